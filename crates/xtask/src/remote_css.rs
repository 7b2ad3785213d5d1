//! A remote's stylesheet, scoped to its mount point at build time.
//!
//! A remote may ship `remotes/<name>/style.css`. The build wraps it in `@scope ([data-remote="<name>"])`, so its
//! rules reach only elements inside the remote's mount point and never restyle the shell or another remote. For
//! the wrapper to hold, the file must not close it early: braces have to balance outside strings, comments,
//! escapes (`\{`) and unquoted `url(…)` (where CSS does not count them), and the at-rules that only work at a
//! stylesheet's top level (`@import`, `@charset`, `@namespace`) are refused with a message naming the line. The
//! shell checks the result again in the browser: a remote stylesheet must parse as exactly one `@scope` rule.

use anyhow::{Result, bail};

/// The file a remote's styles live in, next to its `Cargo.toml`.
pub const STYLESHEET: &str = "style.css";

/// At-rules that cannot sit inside `@scope`.
const TOP_LEVEL_ONLY: [&str; 3] = ["@import", "@charset", "@namespace"];

/// `css` wrapped so that it applies only under the mount point of remote `name`.
pub fn scope(name: &str, css: &str) -> Result<String> {
    check_structure(css)?;
    Ok(format!("@scope ([data-remote=\"{name}\"]) {{\n{}\n}}\n", css.trim()))
}

/// Refuses a stylesheet whose braces do not balance or that uses a top-level-only at-rule.
fn check_structure(css: &str) -> Result<()> {
    let mut depth: usize = 0;
    let mut line = 1;
    let mut chars = css.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\n' => line += 1,
            '/' if chars.peek().is_some_and(|(_, next)| *next == '*') => {
                chars.next();
                let mut closed = false;
                while let Some((_, inner)) = chars.next() {
                    if inner == '\n' {
                        line += 1;
                    } else if inner == '*' && chars.peek().is_some_and(|(_, next)| *next == '/') {
                        chars.next();
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    bail!("{STYLESHEET} line {line}: a comment is never closed");
                }
            }
            '"' | '\'' => {
                let mut closed = false;
                while let Some((_, inner)) = chars.next() {
                    match inner {
                        '\\' => {
                            chars.next();
                        }
                        '\n' => bail!("{STYLESHEET} line {line}: a string runs past the end of its line"),
                        quote if quote == c => {
                            closed = true;
                            break;
                        }
                        _ => {}
                    }
                }
                if !closed {
                    bail!("{STYLESHEET} line {line}: a string is never closed");
                }
            }
            '\\' => {
                if let Some((_, '\n')) = chars.next() {
                    line += 1;
                }
            }
            'u' | 'U' if css[at..].len() >= 4 && css[at..at + 4].eq_ignore_ascii_case("url(") => {
                let opening = css[at + 4..].trim_start().chars().next();
                if !matches!(opening, Some('"' | '\'')) {
                    // An unquoted URL runs to the next `)`; braces and `/*` inside it are plain characters.
                    let mut closed = false;
                    for (_, inner) in chars.by_ref() {
                        match inner {
                            ')' => {
                                closed = true;
                                break;
                            }
                            '\n' => line += 1,
                            _ => {}
                        }
                    }
                    if !closed {
                        bail!("{STYLESHEET} line {line}: a `url(` is never closed");
                    }
                }
            }
            '{' => depth += 1,
            '}' => {
                if depth == 0 {
                    bail!("{STYLESHEET} line {line}: `}}` closes a block that was never opened");
                }
                depth -= 1;
            }
            '@' => {
                let rest = &css[at..];
                if let Some(rule) = TOP_LEVEL_ONLY
                    .iter()
                    .find(|rule| rest.len() >= rule.len() && rest[..rule.len()].eq_ignore_ascii_case(rule))
                {
                    bail!("{STYLESHEET} line {line}: `{rule}` cannot be used in a remote's scoped stylesheet");
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        bail!("{STYLESHEET}: {depth} block(s) are never closed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_wrapped_in_the_remote_scope() {
        let scoped = scope(
            "orders",
            "h1 { color: red; }\n@media (width < 40rem) { p { margin: 0 } }",
        )
        .unwrap();
        assert!(scoped.starts_with("@scope ([data-remote=\"orders\"]) {\n"));
        assert!(scoped.contains("h1 { color: red; }"));
        assert!(scoped.trim_end().ends_with('}'));
    }

    #[test]
    fn a_stylesheet_cannot_close_the_scope_early() {
        let error = scope("orders", "p { color: red }\n}\nbody { display: none }").unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
        assert!(scope("orders", "p { color: red").is_err());
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        assert!(scope("orders", "p::before { content: \"}\" } /* } */ a { content: '{' }").is_ok());
        assert!(scope("orders", "p { content: \"open }").is_err());
        assert!(scope("orders", "/* never closed").is_err());
    }

    #[test]
    fn escaped_braces_and_unquoted_urls_do_not_count_either() {
        let escaping = [
            "p { background: url(a{) }\n}\n:root { display: none }",
            ".x\\{ {}\n}\nheader { display: none }",
        ];
        for css in escaping {
            assert!(scope("orders", css).is_err(), "accepted {css:?}");
        }
        assert!(scope("orders", "p { background: url(a{b}.png) }").is_ok());
        assert!(scope("orders", ".x\\{ { color: red }").is_ok());
        assert!(scope("orders", "p { background: url( \"a}.png\" ) }").is_ok());
    }

    #[test]
    fn top_level_only_rules_are_refused_by_name() {
        let error = scope("orders", "p {}\n@import url(x.css);").unwrap_err();
        assert!(error.to_string().contains("line 2") && error.to_string().contains("@import"));
        assert!(scope("orders", "@CHARSET \"utf-8\";").is_err());
    }
}
