//! Scraped plain text: conservative cleanup (filled in below).
use crate::article::Article;

pub(crate) fn clean_plain(input: &[u8]) -> Article {
    let (text, _) = crate::charset::decode_text(input);
    Article { text: text.into_owned(), ..Article::default() }
}
