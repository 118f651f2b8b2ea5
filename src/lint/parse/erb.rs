//! The Ruby inside an ERB template, laid out so that every byte keeps its offset: template text
//! becomes spaces (newlines kept), `<%`/`<%=`/`<%==`/`<%-` become spaces and `%>`/`-%>`/`=%>`
//! become `;`, so a prism location in the extracted code is the same line and column in the
//! template. The tag grammar is that of Erubis, Chef's template engine:
//! `<%(=+|-|#|%)?(.*?)([-=])?%>` (so `<%= x =%>` and `<%== x %>` are valid tags).

/// Extract the Ruby code of an ERB template (see the module docs for the layout), and the
/// offset of an unterminated `<%` tag if there is one.
pub fn ruby_of(template: &[u8]) -> (Vec<u8>, Option<usize>) {
    let mut out: Vec<u8> = template
        .iter()
        .map(|&b| if b == b'\n' { b'\n' } else { b' ' })
        .collect();
    let mut i = 0;
    while let Some(pos) = find_open(&template[i..]) {
        let open = i + pos;
        let mut start = open + 2;
        // `<%%` is a literal `<%` in the output, not code.
        if template.get(start) == Some(&b'%') {
            i = start + 1;
            continue;
        }
        let comment = template.get(start) == Some(&b'#');
        if template.get(start) == Some(&b'-') {
            start += 1;
        }
        while template.get(start) == Some(&b'=') {
            start += 1;
        }
        let Some(rel) = find_close(&template[start..]) else {
            // Unterminated tag: the rest is code, and the caller reports the tag.
            out[start..].copy_from_slice(&template[start..]);
            return (out, Some(open));
        };
        let mut end = start + rel;
        let close_end = end + 2;
        // A trim marker before `%>`: `-` or, for Erubis, `=`.
        if end > start && matches!(template[end - 1], b'-' | b'=') {
            end -= 1;
        }
        if !comment {
            out[start..end].copy_from_slice(&template[start..end]);
            // A statement separator where the closing tag was.
            out[close_end - 1] = b';';
        }
        i = close_end;
    }
    (out, None)
}

/// The first `<%` in `hay`. Tags are found from their `%` (rarer than `<` in HTML or XML
/// templates) with `memchr`: a substring searcher cost more per tag, on these short spans.
fn find_open(hay: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'%', hay)
        .find(|&at| at > 0 && hay[at - 1] == b'<')
        .map(|at| at - 1)
}

/// The first `%>` in `hay` (see [`find_open`]).
fn find_close(hay: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'%', hay).find(|&at| hay.get(at + 1) == Some(&b'>'))
}

#[cfg(test)]
mod tests {
    use super::{find_close, find_open, ruby_of};

    #[test]
    fn tag_search_finds_the_first_occurrence() {
        let texts: [&[u8]; 12] = [
            b"",
            b"%",
            b"<",
            b"<%",
            b"%>",
            b"%%>",
            b"<<%",
            b"a % b <% c %> d",
            b"%<%%>",
            b"<%%>",
            b"x<y%z%>",
            b">%<%",
        ];
        for text in texts {
            let find = |needle: &[u8]| memchr::memmem::find(text, needle);
            assert_eq!(find_open(text), find(b"<%"), "{text:?}");
            assert_eq!(find_close(text), find(b"%>"), "{text:?}");
        }
    }

    #[test]
    fn keeps_offsets_and_separates_statements() {
        let t = b"port <%= node['app']['port'] %>\n<% if x -%>\ny\n<% end %><%# c %><%% z %>";
        let (r, open) = ruby_of(t);
        assert_eq!(open, None);
        assert_eq!(r.len(), t.len());
        let s = String::from_utf8(r).unwrap();
        assert_eq!(s.lines().count(), 4);
        assert!(s.starts_with("         node['app']['port']  ;"), "{s:?}");
        assert!(s.contains("   if x   ;"), "{s:?}");
        assert!(!s.contains('c') && !s.contains('z'), "{s:?}");
        assert!(ruby_prism::parse(s.as_bytes()).errors().next().is_none());
    }

    #[test]
    fn unterminated_tag_is_code() {
        let (r, open) = ruby_of(b"a <%= b");
        assert_eq!(r, b"      b");
        assert_eq!(open, Some(2));
    }
}
