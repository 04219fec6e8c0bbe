//! Given names known to be one name in several forms, and known to be
//! different names however alike they look.
//!
//! The variant keys of [`super::variant`] join spellings of one form
//! (Aleksei / Alexey). Some forms differ by more than spelling: Ukrainian
//! and Russian forms of one name (Volodymyr / Vladimir, Serhii / Sergei,
//! Mykola / Nikolai) and the romanisations of one Arabic name (Mohammed /
//! Muhammad / Mohamed). Others look alike but are different names: Mohammed
//! and Mahmoud share a consonant skeleton, as do Hassan and Hussein, so the
//! spelling rules alone would join them. A pair of names both listed here is
//! decided by the table: same group, one name; different groups, two names.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::variant::variant_key;

/// Why two forms are one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forms {
    /// Ukrainian and Russian forms of one name.
    UkrainianRussian,
    /// Romanisations of one Arabic name.
    Arabic,
}

impl Forms {
    pub fn describe(self) -> &'static str {
        match self {
            Forms::UkrainianRussian => "Ukrainian/Russian form",
            Forms::Arabic => "Arabic romanisation",
        }
    }
}

/// Folded spellings per group; every spelling of a group is one name.
#[rustfmt::skip]
const GROUPS: &[(Forms, &[&str])] = &[
    (Forms::UkrainianRussian, &["volodymyr", "vladimir", "wolodymyr", "wladimir", "wlodzimierz"]),
    (Forms::UkrainianRussian, &["oleksandr", "aleksandr", "alexander", "aleksander", "alexandre", "olexandr"]),
    (Forms::UkrainianRussian, &["oleksandra", "aleksandra", "alexandra"]),
    (Forms::UkrainianRussian, &["oleksii", "aleksei", "aleksey", "alexei", "olexij", "oleksiy", "aleksiej"]),
    (Forms::UkrainianRussian, &["serhii", "serhiy", "sergei", "sergey", "sergiy", "serhij", "sergej", "siergiej", "serguei"]),
    (Forms::UkrainianRussian, &["mykola", "nikolai", "nikolay", "mikola", "nikolaj", "mikolaj"]),
    (Forms::UkrainianRussian, &["mykhailo", "mikhail", "mychajlo", "michail", "michal", "mikhailo", "mykhaylo"]),
    (Forms::UkrainianRussian, &["dmytro", "dmitry", "dmitri", "dmitrii", "dmitrij", "dymytro"]),
    (Forms::UkrainianRussian, &["andrii", "andriy", "andrei", "andrey", "andrij", "andrej", "andrzej"]),
    (Forms::UkrainianRussian, &["petro", "pyotr", "petr", "piotr", "pjotr", "piotre"]),
    (Forms::UkrainianRussian, &["ihor", "igor"]),
    (Forms::UkrainianRussian, &["oleh", "oleg"]),
    (Forms::UkrainianRussian, &["olha", "olga", "olgha"]),
    (Forms::UkrainianRussian, &["hennadii", "hennadiy", "gennady", "gennadi", "gennadiy", "giennadij", "guennadi"]),
    (Forms::UkrainianRussian, &["heorhii", "heorhiy", "georgy", "georgi", "georgiy", "gieorgij", "guéorgui"]),
    (Forms::UkrainianRussian, &["hryhorii", "hryhoriy", "grigory", "grigori", "grigoriy", "grigorij", "hryhorij"]),
    (Forms::UkrainianRussian, &["yevhen", "yevgeny", "evgeny", "yevgeniy", "evgenij", "jewgeni", "ievgueni", "evhen"]),
    (Forms::UkrainianRussian, &["vasyl", "vasily", "vasiliy", "wassili", "wasyl", "vassili"]),
    (Forms::UkrainianRussian, &["kyrylo", "kirill", "kyrill", "cyril"]),
    (Forms::UkrainianRussian, &["pavlo", "pavel", "pawel", "pawlo"]),
    (Forms::UkrainianRussian, &["yakiv", "yakov", "jakow", "iakov"]),
    (Forms::UkrainianRussian, &["anatolii", "anatoliy", "anatoly", "anatolij"]),
    (Forms::UkrainianRussian, &["valerii", "valeriy", "valery", "walerij"]),
    (Forms::UkrainianRussian, &["vitalii", "vitaliy", "vitaly", "witalij"]),
    (Forms::UkrainianRussian, &["tetiana", "tetyana", "tatiana", "tatyana", "tatjana"]),
    (Forms::UkrainianRussian, &["iryna", "irina"]),
    (Forms::UkrainianRussian, &["kateryna", "yekaterina", "ekaterina", "jekaterina", "katerina"]),
    (Forms::UkrainianRussian, &["liudmyla", "lyudmila", "ludmila", "ljudmila", "lioudmila"]),
    (Forms::UkrainianRussian, &["halyna", "galina", "halina"]),
    (Forms::UkrainianRussian, &["svitlana", "svetlana", "swetlana"]),
    (Forms::UkrainianRussian, &["olena", "yelena", "elena", "jelena", "ielena"]),
    (Forms::UkrainianRussian, &["nataliia", "natalia", "natalya", "nataliya", "natalja"]),
    (Forms::UkrainianRussian, &["yuliia", "yulia", "yuliya", "julia", "ioulia", "julija"]),
    (Forms::UkrainianRussian, &["mariia", "maria", "mariya", "marija"]),
    (Forms::UkrainianRussian, &["larysa", "larisa", "larissa"]),
    (Forms::UkrainianRussian, &["ivan", "iwan"]),
    (Forms::UkrainianRussian, &["ivanna", "ivana"]),
    (Forms::Arabic, &["mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad", "muhamad", "mouhamed"]),
    (Forms::Arabic, &["mahmoud", "mahmud", "mahmood"]),
    (Forms::Arabic, &["ahmed", "ahmad", "ahmet"]),
    (Forms::Arabic, &["hassan", "hasan"]),
    (Forms::Arabic, &["hussein", "husayn", "hussain", "husein", "houssein", "hussien"]),
    (Forms::Arabic, &["hossam", "husam", "houssam"]),
    (Forms::Arabic, &["youssef", "yusuf", "yousef", "yousif", "youssouf", "yussef", "yosef"]),
    (Forms::Arabic, &["khaled", "khalid"]),
    (Forms::Arabic, &["omar", "umar"]),
    (Forms::Arabic, &["osama", "usama", "oussama"]),
    (Forms::Arabic, &["said", "saeed", "sayed", "saied"]),
    (Forms::Arabic, &["tariq", "tarek", "tarik", "tareq"]),
    (Forms::Arabic, &["mustafa", "moustafa", "mostafa", "mustapha"]),
    (Forms::Arabic, &["ibrahim", "ebrahim", "brahim"]),
    (Forms::Arabic, &["abdulaziz", "abdelaziz", "abdalaziz"]),
    (Forms::Arabic, &["abdullah", "abdallah", "abdulla", "abdellah"]),
    (Forms::Arabic, &["abdulrahman", "abderrahmane", "abdelrahman", "abdurrahman"]),
    (Forms::Arabic, &["faisal", "faysal", "fayçal", "faycal"]),
    (Forms::Arabic, &["jamal", "gamal", "djamel", "jamel"]),
    (Forms::Arabic, &["karim", "kareem"]),
    (Forms::Arabic, &["walid", "waleed", "oualid"]),
    (Forms::Arabic, &["rashid", "rachid", "rasheed"]),
    (Forms::Arabic, &["hamid", "hamed"]),
    (Forms::Arabic, &["hamad", "hammad"]),
    (Forms::Arabic, &["nasser", "nasir", "nacer", "naser"]),
    (Forms::Arabic, &["yasser", "yasir", "yassir"]),
    (Forms::Arabic, &["salim", "saleem"]),
    (Forms::Arabic, &["suleiman", "sulaiman", "sulayman", "slimane", "souleymane"]),
    (Forms::Arabic, &["fatima", "fatma", "fatimah"]),
    (Forms::Arabic, &["aisha", "aicha", "ayesha"]),
    (Forms::Arabic, &["layla", "leila", "laila"]),
];

/// How two given-name keys relate by the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Forms of one name.
    Same(Forms),
    /// Both listed, in different groups: different names.
    Different,
}

/// Variant key → group number.
fn table() -> &'static HashMap<String, usize> {
    static TABLE: OnceLock<HashMap<String, usize>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for (g, (_, names)) in GROUPS.iter().enumerate() {
            for name in *names {
                let folded = super::fold::fold(name);
                map.entry(variant_key(&folded)).or_insert(g);
            }
        }
        map
    })
}

/// The table's judgement of two given-name variant keys; `None` when either
/// is not listed (or both are the same key: nothing to decide).
pub fn relation(a: &str, b: &str) -> Option<Relation> {
    if a == b {
        return None;
    }
    let t = table();
    let (ga, gb) = (*t.get(a)?, *t.get(b)?);
    Some(if ga == gb {
        Relation::Same(GROUPS[ga].0)
    } else {
        Relation::Different
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::fold::fold;

    fn rel(a: &str, b: &str) -> Option<Relation> {
        relation(&variant_key(&fold(a)), &variant_key(&fold(b)))
    }

    #[test]
    fn forms_of_one_name() {
        let ur = Some(Relation::Same(Forms::UkrainianRussian));
        assert_eq!(rel("Volodymyr", "Vladimir"), ur);
        assert_eq!(rel("Serhiy", "Sergei"), ur);
        assert_eq!(rel("Mykola", "Nikolai"), ur);
        assert_eq!(rel("Hennadiy", "Gennady"), ur);
        let ar = Some(Relation::Same(Forms::Arabic));
        assert_eq!(rel("Mohammed", "Muhammad"), ar);
        assert_eq!(rel("Youssef", "Yusuf"), ar);
    }

    #[test]
    fn look_alikes_are_different() {
        assert_eq!(rel("Mohammed", "Mahmoud"), Some(Relation::Different));
        assert_eq!(rel("Hassan", "Hussein"), Some(Relation::Different));
        assert_eq!(rel("Oleksandr", "Oleksandra"), Some(Relation::Different));
        assert_eq!(rel("Ivan", "Ivana"), Some(Relation::Different));
        assert_eq!(rel("Ann", "Anna"), None);
    }

    #[test]
    fn every_spelling_has_one_group() {
        // A spelling keyed into two groups would make the table ambiguous.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (g, (_, names)) in GROUPS.iter().enumerate() {
            for name in *names {
                let k = variant_key(&fold(name));
                if let Some(&other) = seen.get(&k) {
                    assert_eq!(other, g, "{name} ({k}) is in two groups");
                }
                seen.insert(k, g);
            }
        }
    }
}
