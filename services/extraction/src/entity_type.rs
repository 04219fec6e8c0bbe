//! The entity types Dossier reports: the OntoNotes name types, plus `MISC`.

use std::fmt;
use std::str::FromStr;

/// An OntoNotes named-entity type. `Misc` is a name of no other type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    Person,
    Norp,
    Fac,
    Org,
    Gpe,
    Loc,
    Product,
    Event,
    Law,
    Date,
    Money,
    Percent,
    Quantity,
    Misc,
}

impl EntityType {
    /// Every type, in a stable order (the order of the proto enum).
    pub const ALL: [EntityType; 14] = [
        EntityType::Person,
        EntityType::Norp,
        EntityType::Fac,
        EntityType::Org,
        EntityType::Gpe,
        EntityType::Loc,
        EntityType::Product,
        EntityType::Event,
        EntityType::Law,
        EntityType::Date,
        EntityType::Money,
        EntityType::Percent,
        EntityType::Quantity,
        EntityType::Misc,
    ];

    /// The OntoNotes name, e.g. `PERSON`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Norp => "NORP",
            EntityType::Fac => "FAC",
            EntityType::Org => "ORG",
            EntityType::Gpe => "GPE",
            EntityType::Loc => "LOC",
            EntityType::Product => "PRODUCT",
            EntityType::Event => "EVENT",
            EntityType::Law => "LAW",
            EntityType::Date => "DATE",
            EntityType::Money => "MONEY",
            EntityType::Percent => "PERCENT",
            EntityType::Quantity => "QUANTITY",
            EntityType::Misc => "MISC",
        }
    }

    /// Names are linked across documents; values (dates, amounts) are not.
    pub fn is_name(self) -> bool {
        !matches!(
            self,
            EntityType::Date | EntityType::Money | EntityType::Percent | EntityType::Quantity
        )
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not an OntoNotes type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown entity type {0:?}; expected one of PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, LAW, DATE, MONEY, PERCENT, QUANTITY, MISC"
)]
pub struct UnknownEntityType(pub String);

impl FromStr for EntityType {
    type Err = UnknownEntityType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntityType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownEntityType(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in EntityType::ALL {
            assert_eq!(t.as_str().parse::<EntityType>().unwrap(), t);
        }
        assert!("PERS".parse::<EntityType>().is_err());
    }
}
