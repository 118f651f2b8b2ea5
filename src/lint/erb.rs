//! The Ruby inside an ERB template, laid out so that every byte keeps its offset: template text
//! becomes spaces (newlines kept), `<%`/`<%=`/`<%-` become spaces and `%>`/`-%>` become `;`, so
//! a prism location in the extracted code is the same line and column in the template.

use std::sync::LazyLock;

use memchr::memmem::Finder;

/// Extract the Ruby code of an ERB template (see the module docs for the layout), and the
/// offset of an unterminated `<%` tag if there is one.
pub fn ruby_of(template: &[u8]) -> (Vec<u8>, Option<usize>) {
    let mut out: Vec<u8> = template
        .iter()
        .map(|&b| if b == b'\n' { b'\n' } else { b' ' })
        .collect();
    // Built once: building a searcher costs more than searching a small template with it.
    static TAGS: LazyLock<(Finder<'static>, Finder<'static>)> =
        LazyLock::new(|| (Finder::new(b"<%"), Finder::new(b"%>")));
    let (open_tag, close_tag) = &*TAGS;
    let mut i = 0;
    while let Some(pos) = open_tag.find(&template[i..]) {
        let open = i + pos;
        let mut start = open + 2;
        // `<%%` is a literal `<%` in the output, not code.
        if template.get(start) == Some(&b'%') {
            i = start + 1;
            continue;
        }
        let comment = template.get(start) == Some(&b'#');
        if matches!(template.get(start), Some(b'=') | Some(b'-')) {
            start += 1;
        }
        let Some(rel) = close_tag.find(&template[start..]) else {
            // Unterminated tag: the rest is code, and the caller reports the tag.
            out[start..].copy_from_slice(&template[start..]);
            return (out, Some(open));
        };
        let mut end = start + rel;
        let close_end = end + 2;
        if end > start && template[end - 1] == b'-' {
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

#[cfg(test)]
mod tests {
    use super::ruby_of;

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
