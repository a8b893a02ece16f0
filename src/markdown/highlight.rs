//! Code block highlighting with syntect, into CSS classes rather than inline styles, so the
//! pages work under a strict Content-Security-Policy and the colours live in one stylesheet.
//!
//! Loading syntect's syntax definitions takes tens of milliseconds, so the set is loaded once
//! per process and shared by every document and thread.

use super::escape_html;
use std::sync::OnceLock;
use syntect::highlighting::{Color, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Every highlighting class starts with this, so theme CSS cannot collide with it.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The built-in light theme the stylesheet is derived from.
const THEME: &str = "InspiredGitHub";

/// WCAG 2.1 AA contrast for normal-size text.
const MIN_CONTRAST: f64 = 4.5;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// HTML for a fenced or indented code block. `lang` is the first word of the info string.
/// Unknown or missing languages give plain escaped code.
pub(crate) fn code_block(lang: Option<&str>, code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2 + 64);
    if let Some(lang) = lang {
        if let Some(body) = highlight(lang, code) {
            out.push_str("<pre class=\"hl-code\"><code class=\"language-");
            escape_html(&mut out, lang);
            out.push_str("\">");
            out.push_str(&body);
            out.push_str("</code></pre>\n");
            return out;
        }
    }
    out.push_str("<pre><code>");
    escape_html(&mut out, code);
    out.push_str("</code></pre>\n");
    out
}

fn highlight(lang: &str, code: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if line.ends_with('\n') {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        } else {
            let mut owned = String::with_capacity(line.len() + 1);
            owned.push_str(line);
            owned.push('\n');
            generator
                .parse_html_for_line_which_includes_newline(&owned)
                .ok()?;
        }
    }
    Some(generator.finalize())
}

/// The stylesheet for highlighted code: syntect's InspiredGitHub theme with every colour
/// darkened where needed to reach 4.5:1 contrast against its background.
pub fn highlight_css() -> String {
    let themes = ThemeSet::load_defaults();
    let Some(mut theme) = themes.themes.get(THEME).cloned() else {
        return String::new();
    };
    let page = theme.settings.background.unwrap_or(WHITE);
    if let Some(fg) = theme.settings.foreground {
        theme.settings.foreground = Some(readable(fg, page));
    }
    for item in &mut theme.scopes {
        if let Some(fg) = item.style.foreground {
            let bg = item.style.background.unwrap_or(page);
            item.style.foreground = Some(readable(fg, bg));
        }
    }
    css_for_theme_with_class_style(&theme, CLASS_STYLE).unwrap_or_default()
}

const WHITE: Color = Color {
    r: 255,
    g: 255,
    b: 255,
    a: 255,
};

/// WCAG relative luminance.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// WCAG contrast ratio between two colours.
pub(crate) fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// `fg`, moved towards black (on a light background) or white (on a dark one) in small
/// steps until it reaches the minimum contrast, keeping its hue.
fn readable(fg: Color, bg: Color) -> Color {
    let towards_black = luminance(bg) > 0.18;
    let mut c = fg;
    for _ in 0..100 {
        if contrast(c, bg) >= MIN_CONTRAST {
            break;
        }
        let step = |v: u8| {
            if towards_black {
                (f64::from(v) * 0.95).floor() as u8
            } else {
                (f64::from(v) + (255.0 - f64::from(v)) * 0.05).ceil() as u8
            }
        };
        c = Color {
            r: step(c.r),
            g: step(c.g),
            b: step(c.b),
            a: 255,
        };
    }
    Color { a: 255, ..c }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes_not_styles() {
        let html = code_block(Some("rust"), "fn main() {\n    let x = \"<b>\";\n}\n");
        assert!(html.starts_with("<pre class=\"hl-code\"><code class=\"language-rust\">"));
        assert!(html.contains("<span class=\"hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("style="));
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn unknown_or_missing_language_is_plain_and_escaped() {
        for lang in [Some("no-such-language"), None] {
            let html = code_block(lang, "<script>alert(1)</script>\n");
            assert_eq!(
                html,
                "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n"
            );
        }
    }

    #[test]
    fn code_without_final_newline_is_highlighted() {
        let html = code_block(Some("python"), "print('x')");
        assert!(html.contains("hl-"), "{html}");
        assert!(html.contains("print"));
    }

    #[test]
    fn css_is_class_based_and_every_colour_is_readable() {
        let css = highlight_css();
        assert!(css.contains(".hl-code"), "{css}");
        assert!(css.contains(".hl-"));
        let hex = |s: &str| u8::from_str_radix(s, 16).unwrap();
        let mut checked = 0;
        let mut background = WHITE;
        for rule in css.split('}') {
            let Some(bg) = rule.find("background-color: #") else {
                continue;
            };
            let h = &rule[bg + 19..bg + 25];
            if rule.contains(".hl-code {") {
                background = Color {
                    r: hex(&h[0..2]),
                    g: hex(&h[2..4]),
                    b: hex(&h[4..6]),
                    a: 255,
                };
            }
        }
        assert!(luminance(background) > 0.8, "theme must be light");
        for rule in css.split('}') {
            let Some(at) = rule.find(" color: #") else {
                continue;
            };
            let h = &rule[at + 9..at + 15];
            let fg = Color {
                r: hex(&h[0..2]),
                g: hex(&h[2..4]),
                b: hex(&h[4..6]),
                a: 255,
            };
            let bg = rule
                .find("background-color: #")
                .map(|b| {
                    let h = &rule[b + 19..b + 25];
                    Color {
                        r: hex(&h[0..2]),
                        g: hex(&h[2..4]),
                        b: hex(&h[4..6]),
                        a: 255,
                    }
                })
                .unwrap_or(background);
            assert!(
                contrast(fg, bg) >= MIN_CONTRAST,
                "low contrast in {rule}: {:.2}",
                contrast(fg, bg)
            );
            checked += 1;
        }
        assert!(checked > 10, "only {checked} colours found");
    }
}
