#!/usr/bin/env python3
"""Build the country table screening reads (`ScreenName.country`).

A screening list gives a country as an ISO 3166 code ("UA", "UKR") or a
name ("Ukraine"); articles write the country's short name, its official
name or its demonym ("a Ukrainian businessman"). The table maps each code
to the phrases an article may use, so "UA" finds "Ukraine" and
"Ukrainian".

Source: pycountry 26.2.16 (LGPL-2.1; data from Debian iso-codes): alpha-2
and alpha-3 codes, names, common and official names. Plus short lists in
this script (the project's own writing): the short forms the news uses and
demonyms of the countries most often in it.

Reproduce:

    pip install pycountry==26.2.16
    python3 services/search/scripts/build_countries.py services/search/src/screening/countries.tsv

Output: `alpha2<TAB>alpha3<TAB>phrase;phrase;...` lines, sorted by code,
the first phrase the name to show. Deterministic.
"""
import sys

import pycountry

# Short forms and other names the news uses, by alpha-2.
SHORT = {
    'US': ['United States', 'U.S.', 'USA', 'America'],
    'GB': ['United Kingdom', 'Britain', 'Great Britain', 'UK', 'U.K.'],
    'RU': ['Russia'], 'IR': ['Iran'], 'SY': ['Syria'], 'KR': ['South Korea'],
    'KP': ['North Korea'], 'VN': ['Vietnam'], 'TR': ['Turkey', 'Türkiye', 'Turkiye'],
    'CZ': ['Czech Republic', 'Czechia'], 'AE': ['UAE', 'Emirates'], 'MD': ['Moldova'],
    'BO': ['Bolivia'], 'VE': ['Venezuela'], 'TZ': ['Tanzania'], 'LA': ['Laos'],
    'MK': ['North Macedonia', 'Macedonia'], 'CI': ['Ivory Coast', "Cote d'Ivoire"],
    'CD': ['Democratic Republic of Congo', 'DR Congo', 'DRC'], 'CG': ['Republic of Congo'],
    'PS': ['Palestine'], 'VA': ['Vatican'], 'BA': ['Bosnia'], 'TW': ['Taiwan'],
    'BN': ['Brunei'], 'CV': ['Cape Verde'], 'SZ': ['Eswatini', 'Swaziland'],
    'TL': ['East Timor', 'Timor-Leste'], 'MM': ['Myanmar', 'Burma'], 'NL': ['Netherlands', 'Holland'],
    'FM': ['Micronesia'], 'HK': ['Hong Kong'], 'MO': ['Macau', 'Macao'], 'GM': ['Gambia'],
    'XK': ['Kosovo'],
}

# Demonyms of the countries most often in the news, by alpha-2.
DEMONYMS = {
    'AF': ['Afghan'], 'AL': ['Albanian'], 'DZ': ['Algerian'], 'AR': ['Argentine', 'Argentinian'],
    'AM': ['Armenian'], 'AU': ['Australian'], 'AT': ['Austrian'], 'AZ': ['Azerbaijani', 'Azeri'],
    'BH': ['Bahraini'], 'BD': ['Bangladeshi'], 'BY': ['Belarusian'], 'BE': ['Belgian'],
    'BR': ['Brazilian'], 'BG': ['Bulgarian'], 'CA': ['Canadian'], 'CL': ['Chilean'], 'CN': ['Chinese'],
    'CO': ['Colombian'], 'HR': ['Croatian'], 'CU': ['Cuban'], 'CY': ['Cypriot'], 'CZ': ['Czech'],
    'DK': ['Danish'], 'EG': ['Egyptian'], 'AE': ['Emirati'], 'EE': ['Estonian'], 'ET': ['Ethiopian'],
    'FI': ['Finnish'], 'FR': ['French'], 'GE': ['Georgian'], 'DE': ['German'], 'GH': ['Ghanaian'],
    'GR': ['Greek'], 'HU': ['Hungarian'], 'IN': ['Indian'], 'ID': ['Indonesian'], 'IR': ['Iranian'],
    'IQ': ['Iraqi'], 'IE': ['Irish'], 'IL': ['Israeli'], 'IT': ['Italian'], 'JP': ['Japanese'],
    'JO': ['Jordanian'], 'KZ': ['Kazakh', 'Kazakhstani'], 'KE': ['Kenyan'], 'KW': ['Kuwaiti'],
    'KG': ['Kyrgyz'], 'LV': ['Latvian'], 'LB': ['Lebanese'], 'LY': ['Libyan'], 'LT': ['Lithuanian'],
    'MY': ['Malaysian'], 'MX': ['Mexican'], 'MD': ['Moldovan'], 'MA': ['Moroccan'], 'NL': ['Dutch'],
    'NZ': ['New Zealand'], 'NG': ['Nigerian'], 'NO': ['Norwegian'], 'OM': ['Omani'],
    'PK': ['Pakistani'], 'PS': ['Palestinian'], 'PE': ['Peruvian'], 'PH': ['Filipino', 'Philippine'],
    'PL': ['Polish'], 'PT': ['Portuguese'], 'QA': ['Qatari'], 'RO': ['Romanian'], 'RU': ['Russian'],
    'SA': ['Saudi'], 'RS': ['Serbian'], 'SG': ['Singaporean'], 'SK': ['Slovak'], 'SI': ['Slovenian'],
    'SO': ['Somali'], 'ZA': ['South African'], 'KR': ['South Korean'], 'ES': ['Spanish'],
    'SD': ['Sudanese'], 'SE': ['Swedish'], 'CH': ['Swiss'], 'SY': ['Syrian'], 'TW': ['Taiwanese'],
    'TJ': ['Tajik'], 'TH': ['Thai'], 'TN': ['Tunisian'], 'TR': ['Turkish'], 'TM': ['Turkmen'],
    'UA': ['Ukrainian'], 'GB': ['British'], 'US': ['American'], 'UZ': ['Uzbek'],
    'VE': ['Venezuelan'], 'VN': ['Vietnamese'], 'YE': ['Yemeni'], 'ZW': ['Zimbabwean'],
    'KP': ['North Korean'],
}


def phrases(country):
    out = []
    for attr in ('common_name', 'name', 'official_name'):
        value = getattr(country, attr, None)
        if value and value not in out:
            out.append(value)
    code = country.alpha_2
    for extra in SHORT.get(code, []) + DEMONYMS.get(code, []):
        if extra not in out:
            out.append(extra)
    # "Korea, Republic of" is a list's form, never an article's: kept only
    # when the country has no other name.
    plain = [name for name in out if ', ' not in name]
    if plain:
        out = plain
    # The short form first: what the explanation shows.
    short = SHORT.get(code)
    if short:
        out.remove(short[0])
        out.insert(0, short[0])
    assert out, code
    return out


def main(path):
    rows = []
    for country in pycountry.countries:
        rows.append((country.alpha_2, country.alpha_3, phrases(country)))
    # Kosovo has no ISO 3166-1 entry but a user-assigned code in common use.
    rows.append(('XK', 'XKX', ['Kosovo', 'Kosovar']))
    rows.sort()
    with open(path, 'w', encoding='utf-8') as out:
        out.write('# alpha2\talpha3\tphrases -- built by services/search/scripts/build_countries.py '
                  '(pycountry 26.2.16, LGPL-2.1, data from Debian iso-codes)\n')
        for alpha2, alpha3, names in rows:
            for name in names:
                assert ';' not in name and '\t' not in name, name
            out.write(f'{alpha2}\t{alpha3}\t{";".join(names)}\n')


if __name__ == '__main__':
    main(sys.argv[1])
