//! Identity numbers people paste into free text: a NIP (18 digits) or a NIK (16 digits)
//! is masked before the text is stored, so it never reaches an admin's screen.

use std::borrow::Cow;

/// What stands in for each masked digit; separators are kept so the text still reads.
pub const MASK: char = '*';

const NIP_DIGITS: usize = 18;
const NIK_DIGITS: usize = 16;
/// People type groups like "19850101 201001 1 001" or "3201.0101.0101.0001"; a longer
/// stretch of punctuation ends the number.
const MAX_SEPARATOR: usize = 3;

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '\u{a0}')
}

/// A maximal stretch of ASCII digits, as char indices `start..end`.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

impl Group {
    fn digits(&self) -> usize {
        self.end - self.start
    }
}

/// Masks every run of digit groups that adds up to exactly 18 or 16 digits (preferring the
/// longer reading), whether typed in one piece or in groups separated by spaces, dots or
/// dashes. Other numbers (dates, phone numbers, amounts) are left alone.
pub fn mask_identity_numbers(text: &str) -> Cow<'_, str> {
    let chars: Vec<char> = text.chars().collect();
    // Groups of digits, split into chains: consecutive groups with only a short separator
    // between them may belong to one number.
    let mut chains: Vec<Vec<Group>> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let group = Group { start, end: i };
        let joined = chains
            .last()
            .and_then(|chain| chain.last())
            .is_some_and(|prev| {
                let gap = &chars[prev.end..start];
                !gap.is_empty()
                    && gap.len() <= MAX_SEPARATOR
                    && gap.iter().all(|&c| is_separator(c))
            });
        match chains.last_mut() {
            Some(chain) if joined => chain.push(group),
            _ => chains.push(vec![group]),
        }
    }

    let mut masked: Vec<(usize, usize)> = Vec::new();
    for chain in &chains {
        let mut first = 0;
        while first < chain.len() {
            match identity_span(&chain[first..]) {
                Some(len) => {
                    masked.push((chain[first].start, chain[first + len - 1].end));
                    first += len;
                }
                None => first += 1,
            }
        }
    }
    if masked.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out: Vec<char> = chars;
    for (start, end) in masked {
        for c in &mut out[start..end] {
            if c.is_ascii_digit() {
                *c = MASK;
            }
        }
    }
    Cow::Owned(out.into_iter().collect())
}

/// How many groups from the start of `groups` make an 18-digit (else 16-digit) number.
fn identity_span(groups: &[Group]) -> Option<usize> {
    let mut total = 0;
    let mut sixteen = None;
    for (n, group) in groups.iter().enumerate() {
        total += group.digits();
        if total == NIK_DIGITS {
            sixteen = Some(n + 1);
        }
        if total == NIP_DIGITS {
            return Some(n + 1);
        }
        if total > NIP_DIGITS {
            break;
        }
    }
    sixteen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nip_in_one_piece_is_masked() {
        assert_eq!(
            mask_identity_numbers("NIP saya 198501012010011001, boleh?"),
            "NIP saya ******************, boleh?"
        );
    }

    #[test]
    fn a_nip_typed_in_groups_is_masked() {
        assert_eq!(
            mask_identity_numbers("nip 19850101 201001 1 001 apakah"),
            "nip ******** ****** * *** apakah"
        );
        assert_eq!(
            mask_identity_numbers("19850101.201001.1.001"),
            "********.******.*.***"
        );
        assert_eq!(
            mask_identity_numbers("19850101 - 201001 - 1 - 001"),
            "******** - ****** - * - ***"
        );
    }

    #[test]
    fn a_nik_is_masked_in_its_usual_shapes() {
        assert_eq!(
            mask_identity_numbers("NIK:3201010101010001"),
            "NIK:****************"
        );
        assert_eq!(
            mask_identity_numbers("nik 3201 0101 0101 0001."),
            "nik **** **** **** ****."
        );
        assert_eq!(
            mask_identity_numbers("320101 010101 0001"),
            "****** ****** ****"
        );
    }

    #[test]
    fn a_nip_followed_by_another_number_is_still_masked() {
        assert_eq!(
            mask_identity_numbers("19850101 201001 1 001 08123456789"),
            "******** ****** * *** 08123456789"
        );
        assert_eq!(
            mask_identity_numbers("tahun 2024 nip 198501012010011001"),
            "tahun 2024 nip ******************"
        );
    }

    #[test]
    fn other_numbers_are_left_alone() {
        for text in [
            "Bolehkah saya ikut kampanye tanggal 12-11-2024?",
            "Telepon 0812 3456 7890",
            "Rp 1.500.000",
            "kode 1234567890123456789 terlalu panjang",
            "17 digit 12345678901234567",
            "",
            "tanpa angka",
        ] {
            assert!(
                matches!(mask_identity_numbers(text), Cow::Borrowed(_)),
                "{text}"
            );
        }
    }

    #[test]
    fn separators_too_long_end_the_number() {
        let text = "19850101 ,,, 2010011001";
        assert_eq!(mask_identity_numbers(text), text);
    }

    #[test]
    fn non_ascii_text_around_the_number_survives() {
        assert_eq!(
            mask_identity_numbers("Ñama 3201010101010001 ✓"),
            "Ñama **************** ✓"
        );
    }
}
