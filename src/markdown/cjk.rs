//! CJK-friendly emphasis: a pass over pulldown-cmark's events that applies the CommonMark
//! CJK-friendly amendment (tats-u/markdown-cjk-friendly).
//!
//! Chinese documents bold their numbered points as `**（一）加强组织领导。**各单位…`. Under
//! standard CommonMark the closing `**` is preceded by punctuation and followed by a letter,
//! so it is not right-flanking and the asterisks stay on the page. The amendment changes only
//! the flanking rules: punctuation that is itself CJK no longer blocks a delimiter run, and a
//! CJK character next to a run counts like whitespace would. pulldown-cmark 0.13.6 does not
//! have it, so this pass redoes emphasis where (and only where) the amended rules classify a
//! delimiter run differently from the standard ones.
//!
//! How: pulldown-cmark has already decided code spans, links, autolinks, raw HTML and escapes,
//! none of which depend on emphasis. For each inline scope (a paragraph, heading or table
//! cell, and separately the text of each link or image) the pass turns the emphasis events it
//! produced back into the delimiter characters they came from (their byte ranges say where),
//! finds every delimiter run in the source-identical text, and computes each run's
//! open/close abilities under both rule sets. If nothing differs, pulldown's events stand
//! untouched — the common case, and the reason ordinary emphasis cannot be disturbed. If
//! something differs, the scope's delimiters are paired again with the same algorithm
//! pulldown-cmark uses (a stack of openers, the rule of three, equal-length tildes) under the
//! amended rules, and the scope's events are rebuilt.

use super::chars::{
    is_ambiguous_quote, is_cjk, is_general_vs, is_ideographic_vs, is_punctuation, is_whitespace,
};
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use std::ops::Range;

/// An event with its byte range in the Markdown source.
pub(crate) type Ev<'a> = (Event<'a>, Range<usize>);

/// The events of one inline scope (`range` of the original event list) as the amended
/// rules make them.
pub(crate) type Rewrite<'a> = (Range<usize>, Vec<Ev<'a>>);

/// Rewrite emphasis in `events` (parsed from `src` with offsets) under the CJK-friendly rules.
#[cfg(test)]
pub(crate) fn apply<'a>(src: &'a str, events: &mut Vec<Ev<'a>>) {
    let rewrites = rewrites(src, events);
    if !rewrites.is_empty() {
        let old = std::mem::take(events);
        events.extend(splice(old, rewrites));
    }
}

/// The scopes of `events` (parsed from `src` with offsets) that the CJK-friendly rules
/// change, in order, each with its new events; see [`splice`] to put them in place.
pub(crate) fn rewrites<'a>(src: &'a str, events: &[Ev<'a>]) -> Vec<Rewrite<'a>> {
    let mut replacements: Vec<Rewrite<'a>> = Vec::new();
    let mut scratch = Scratch::default();
    let mut in_code = false;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            e if !in_code && is_inline(e) => {
                let start = i;
                while i < events.len() && is_inline(&events[i].0) {
                    i += 1;
                }
                if let Some(new) = rewrite_scope(src, &events[start..i], true, &mut scratch) {
                    replacements.push((start..i, new));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    replacements
}

/// `events` with each rewritten scope replaced by its new events, produced as they are
/// consumed: a document's event list is not copied into a second one (most Chinese
/// documents have a rewritten scope, so that copy was paid by nearly every page).
pub(crate) fn splice<'a>(
    events: Vec<Ev<'a>>,
    rewrites: Vec<Rewrite<'a>>,
) -> impl Iterator<Item = Ev<'a>> {
    let mut rewrites = rewrites.into_iter().peekable();
    let mut old = events.into_iter().enumerate();
    let mut current: std::vec::IntoIter<Ev<'a>> = Vec::new().into_iter();
    std::iter::from_fn(move || loop {
        if let Some(ev) = current.next() {
            return Some(ev);
        }
        let (ix, ev) = old.next()?;
        match rewrites.peek() {
            Some((range, _)) if range.start == ix => {
                let Some((range, new)) = rewrites.next() else {
                    return Some(ev);
                };
                // The rest of the replaced scope is skipped; `ev` was its first event.
                for _ in ix + 1..range.end {
                    old.next();
                }
                current = new.into_iter();
            }
            _ => return Some(ev),
        }
    })
}

/// The events of a document as the content checks need them, handed on as they arrive
/// instead of collected whole (`gongkai check` reads every document of the site; holding
/// each one's event list cost more than parsing it).
///
/// Only a scope whose text a check reads is rewritten: a heading's (its text is in the
/// W0604 message) and one holding a link or an image (whose text decides E0601/E0602).
/// Emphasis anywhere else reaches no check — the walk keeps only that text, raw HTML and
/// URLs, and a rewrite changes neither HTML nor links, nor their order — so it is left as
/// pulldown-cmark made it, and the checks find exactly what [`rewrites`] + [`splice`] give.
pub(crate) struct CheckedEvents<'a> {
    src: &'a str,
    /// The inline scope being collected.
    scope: Vec<Ev<'a>>,
    scratch: Scratch<'a>,
    in_code: bool,
    /// The last event handed on was the start of a heading.
    after_heading: bool,
    /// The scope being collected is a heading's.
    heading_scope: bool,
}

impl<'a> CheckedEvents<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        CheckedEvents {
            src,
            scope: Vec::new(),
            scratch: Scratch::default(),
            in_code: false,
            after_heading: false,
            heading_scope: false,
        }
    }

    /// Take the next parsed event; `walk` gets the events to check, in order.
    pub(crate) fn push(&mut self, ev: Ev<'a>, walk: &mut impl FnMut(Ev<'a>)) {
        if !self.in_code && is_inline(&ev.0) {
            if self.scope.is_empty() {
                self.heading_scope = self.after_heading;
            }
            self.scope.push(ev);
            return;
        }
        self.flush(walk);
        match &ev.0 {
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => self.in_code = false,
            _ => {}
        }
        self.after_heading = matches!(ev.0, Event::Start(Tag::Heading { .. }));
        walk(ev);
    }

    /// Hand on what is still held, at the end of the document.
    pub(crate) fn finish(&mut self, walk: &mut impl FnMut(Ev<'a>)) {
        self.flush(walk);
    }

    fn flush(&mut self, walk: &mut impl FnMut(Ev<'a>)) {
        if self.scope.is_empty() {
            return;
        }
        let read = self.heading_scope
            || self
                .scope
                .iter()
                .any(|(e, _)| matches!(e, Event::Start(Tag::Link { .. } | Tag::Image { .. })));
        let new = if read {
            rewrite_scope(self.src, &self.scope, true, &mut self.scratch)
        } else {
            None
        };
        match new {
            Some(new) => {
                self.scope.clear();
                new.into_iter().for_each(&mut *walk);
            }
            None => self.scope.drain(..).for_each(&mut *walk),
        }
    }
}

/// Events that live inside a paragraph-like block rather than delimiting blocks.
fn is_inline(e: &Event) -> bool {
    match e {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::TaskListMarker(_) => true,
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// A piece of an inline scope after emphasis has been taken apart again.
enum Tok<'a> {
    /// A delimiter run (index into the scope's runs).
    Run(usize),
    /// Source text that is not a delimiter.
    Text(Range<usize>),
    /// An original event kept as it is (code span, raw HTML, escaped text, …).
    Keep(usize),
    /// A line break: the line's start and end count as whitespace for flanking.
    Break(usize),
    /// A link or image: events `start..=end`, with its text rewritten when it changed.
    Group {
        start: usize,
        end: usize,
        new: Option<Vec<Ev<'a>>>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Emphasis,
    Strong,
    Strikethrough,
}

impl Kind {
    fn start(self) -> Event<'static> {
        Event::Start(match self {
            Kind::Emphasis => Tag::Emphasis,
            Kind::Strong => Tag::Strong,
            Kind::Strikethrough => Tag::Strikethrough,
        })
    }
    fn end(self) -> Event<'static> {
        Event::End(match self {
            Kind::Emphasis => TagEnd::Emphasis,
            Kind::Strong => TagEnd::Strong,
            Kind::Strikethrough => TagEnd::Strikethrough,
        })
    }
}

/// One delimiter run and what pairing made of it.
struct Run {
    ch: u8,
    start: usize,
    end: usize,
    can_open: bool,
    can_close: bool,
    /// Characters used as a closer, taken from the left.
    lo: usize,
    /// Characters used as an opener, taken from the right.
    hi: usize,
    /// The matches this run closes, innermost first: created together while the run was the
    /// current closer, so they are one slice of the match list.
    closes: Range<usize>,
    /// The outermost match this run opens (the latest made); earlier ones via `prev_open`.
    last_open: Option<usize>,
}

impl Run {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// One emphasis made by pairing: its kind, source range, and the next-inner match opened
/// by the same run.
struct Match {
    kind: Kind,
    range: Range<usize>,
    prev_open: Option<usize>,
}

/// Buffers reused across the scopes of one document.
#[derive(Default)]
struct Scratch<'a> {
    toks: Vec<Tok<'a>>,
    runs: Vec<Run>,
    matches: Vec<Match>,
    open_tags: Vec<(usize, Range<usize>)>,
    stack: Vec<Opener>,
    /// Emphasis as pulldown-cmark made it and as the amended pairing makes it, as sorted
    /// `(start, end, kind)` lists, to skip rebuilding events when they agree.
    theirs: Vec<(usize, usize, Kind)>,
    ours: Vec<(usize, usize, Kind)>,
}

/// A run on the opener stack, with how many of its characters are still available.
#[derive(Clone, Copy)]
struct Opener {
    run: usize,
    count: usize,
}

fn is_delim(b: u8) -> bool {
    matches!(b, b'*' | b'_' | b'~')
}

/// Offset of the first `*`, `_` or `~` in `bytes`: most scopes have no delimiter at all,
/// and this scan is what every paragraph of a document pays.
fn find_delim(bytes: &[u8]) -> Option<usize> {
    memchr::memchr3(b'*', b'_', b'~', bytes)
}

/// True when the byte at `pos` is backslash-escaped (an odd number of backslashes before it).
fn escaped(src: &[u8], pos: usize) -> bool {
    src[..pos].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// Text event whose content is exactly its source slice, so byte positions map one to one.
fn source_text<'s>(src: &'s str, ev: &Ev) -> Option<&'s str> {
    match &ev.0 {
        Event::Text(t) => {
            let s = src.get(ev.1.clone())?;
            (s == t.as_ref()).then_some(s)
        }
        _ => None,
    }
}

/// Rebuild one inline scope; `None` when pulldown-cmark's events already follow the
/// amended rules. `block` is true for a block's own inline content (whose edges are line
/// edges) and false for the text of a link or image (whose edges are `[` and `]`).
///
/// In four steps: take the scope apart into delimiter runs and the pieces between them
/// ([`take_apart`]); decide what each run can do under the amended rule ([`abilities`] via
/// [`set_abilities`]); pair them again when that changed anything ([`pairs_differ`]); and
/// put the events back together ([`reassemble`]) only when the result differs.
fn rewrite_scope<'a>(
    src: &'a str,
    evs: &[Ev<'a>],
    block: bool,
    scratch: &mut Scratch<'a>,
) -> Option<Vec<Ev<'a>>> {
    if !has_candidates(src, evs) {
        return None;
    }
    take_apart(src, evs, scratch)?;
    let Scratch {
        toks,
        runs,
        matches,
        stack,
        theirs,
        ours,
        ..
    } = scratch;
    let toks: &[Tok<'a>] = toks;
    let mut differs = set_abilities(src, toks, runs, block);
    if differs {
        differs = pairs_differ(runs, matches, stack, theirs, ours);
    }
    let groups_changed = toks
        .iter()
        .any(|t| matches!(t, Tok::Group { new: Some(_), .. }));
    match (differs, groups_changed) {
        (false, false) => None,
        (false, true) => Some(with_new_groups(evs, toks)),
        (true, _) => Some(reassemble(src, evs, toks, runs, matches)),
    }
}

/// Whether the scope has anything the amended rules could change: emphasis, or a text with
/// a delimiter character in it.
fn has_candidates(src: &str, evs: &[Ev]) -> bool {
    evs.iter().any(|ev| match &ev.0 {
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => true,
        Event::Text(t) => find_delim(t.as_bytes()).is_some() && source_text(src, ev).is_some(),
        _ => false,
    })
}

/// Add delimiter character `ch` at `pos`: to the previous run when it continues it, else
/// as a new run.
fn push_delim(toks: &mut Vec<Tok<'_>>, runs: &mut Vec<Run>, ch: u8, pos: usize) {
    if let Some(Tok::Run(r)) = toks.last() {
        let run = &mut runs[*r];
        if run.ch == ch && run.end == pos {
            run.end = pos + 1;
            return;
        }
    }
    toks.push(Tok::Run(runs.len()));
    runs.push(Run {
        ch,
        start: pos,
        end: pos + 1,
        can_open: false,
        can_close: false,
        lo: 0,
        hi: 0,
        closes: 0..0,
        last_open: None,
    });
}

/// Step 1: the scope as tokens — delimiter runs (emphasis taken apart back into its
/// delimiters), text between them, breaks, link/image groups (rewritten on their own) and
/// events kept as they are — and pulldown-cmark's emphasis in `theirs`. `None` when the
/// events are not the shape expected, which leaves pulldown-cmark's result alone.
fn take_apart<'a>(src: &'a str, evs: &[Ev<'a>], scratch: &mut Scratch<'a>) -> Option<()> {
    let bytes = src.as_bytes();
    let Scratch {
        toks,
        runs,
        matches,
        open_tags,
        theirs,
        ..
    } = scratch;
    toks.clear();
    runs.clear();
    matches.clear();
    open_tags.clear();
    theirs.clear();
    let mut i = 0;
    while i < evs.len() {
        let (ev, range) = &evs[i];
        match ev {
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                let (n, first) = emphasis_delimiters(bytes, tag, range)?;
                for pos in range.start..range.start + n {
                    push_delim(toks, runs, first, pos);
                }
                open_tags.push((n, range.clone()));
                let kind = match tag {
                    Tag::Emphasis => Kind::Emphasis,
                    Tag::Strong => Kind::Strong,
                    _ => Kind::Strikethrough,
                };
                theirs.push((range.start, range.end, kind));
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                let (n, r) = open_tags.pop()?;
                for pos in r.end - n..r.end {
                    push_delim(toks, runs, bytes[r.start], pos);
                }
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                let end = matching_end(evs, i)?;
                let opaque = matches!(
                    ev,
                    Event::Start(Tag::Link {
                        link_type: LinkType::Autolink | LinkType::Email,
                        ..
                    })
                );
                let new = if opaque {
                    None
                } else {
                    rewrite_scope(src, &evs[i + 1..end], false, &mut Scratch::default())
                };
                toks.push(Tok::Group { start: i, end, new });
                i = end + 1;
                continue;
            }
            Event::SoftBreak | Event::HardBreak => toks.push(Tok::Break(i)),
            Event::Text(_) => match source_text(src, &evs[i]) {
                Some(text) => split_text(bytes, text, range.start, toks, runs),
                None => toks.push(Tok::Keep(i)),
            },
            _ => toks.push(Tok::Keep(i)),
        }
        i += 1;
    }
    open_tags.is_empty().then_some(())
}

/// How many delimiters open (and close) an emphasis event, and which character: `None`
/// unless its source starts and ends with them.
fn emphasis_delimiters(bytes: &[u8], tag: &Tag, range: &Range<usize>) -> Option<(usize, u8)> {
    let first = *bytes.get(range.start)?;
    let n = match tag {
        Tag::Emphasis => 1,
        Tag::Strong => 2,
        _ => bytes
            .get(range.clone())?
            .iter()
            .take(2)
            .take_while(|&&b| b == b'~')
            .count(),
    };
    let shaped = n > 0
        && range.end >= range.start + 2 * n
        && range.end <= bytes.len()
        && is_delim(first)
        && bytes[range.start..range.start + n]
            .iter()
            .all(|&b| b == first)
        && bytes[range.end - n..range.end].iter().all(|&b| b == first);
    shaped.then_some((n, first))
}

/// A text event (starting at source offset `base`) split at its unescaped delimiters.
fn split_text(bytes: &[u8], text: &str, base: usize, toks: &mut Vec<Tok<'_>>, runs: &mut Vec<Run>) {
    let text = text.as_bytes();
    let mut from = 0;
    let mut scan = 0;
    while let Some(found) = find_delim(&text[scan..]) {
        let off = scan + found;
        scan = off + 1;
        if escaped(bytes, base + off) {
            continue;
        }
        if from < off {
            toks.push(Tok::Text(base + from..base + off));
        }
        push_delim(toks, runs, text[off], base + off);
        from = off + 1;
    }
    if from < text.len() {
        toks.push(Tok::Text(base + from..base + text.len()));
    }
}

/// Step 2: each run's abilities under the amended rule, from the characters on either side
/// (a line edge counts as whitespace). True when any run's abilities differ from the
/// standard rule's.
fn set_abilities(src: &str, toks: &[Tok<'_>], runs: &mut [Run], block: bool) -> bool {
    let mut differs = false;
    for (t, tok) in toks.iter().enumerate() {
        let Tok::Run(r) = tok else { continue };
        let run = &mut runs[*r];
        let at_line_start =
            (block && t == 0) || matches!(toks.get(t.wrapping_sub(1)), Some(Tok::Break(_)));
        let at_line_end =
            (block && t + 1 == toks.len()) || matches!(toks.get(t + 1), Some(Tok::Break(_)));
        let before = if at_line_start {
            Before::LINE_EDGE
        } else {
            Before::from_source(&src[..run.start])
        };
        let after = if at_line_end {
            '\n'
        } else {
            src[run.end..].chars().next().unwrap_or('\n')
        };
        let [standard, amended] = abilities(run.ch, run.len(), before, after);
        differs |= standard != amended;
        (run.can_open, run.can_close) = amended;
    }
    differs
}

/// Step 3: pair the runs under the amended abilities. They often pair exactly as
/// pulldown-cmark did (a closer that may now also open, with nothing left to open with);
/// true only when the emphasis differs from `theirs`.
fn pairs_differ(
    runs: &mut [Run],
    matches: &mut Vec<Match>,
    stack: &mut Vec<Opener>,
    theirs: &mut [(usize, usize, Kind)],
    ours: &mut Vec<(usize, usize, Kind)>,
) -> bool {
    pair(runs, matches, stack);
    ours.clear();
    ours.extend(matches.iter().map(|m| (m.range.start, m.range.end, m.kind)));
    ours.sort_unstable_by_key(|&(start, end, kind)| (start, end, kind as u8));
    theirs.sort_unstable_by_key(|&(start, end, kind)| (start, end, kind as u8));
    ours != theirs
}

/// Step 4, when only link text inside changed: pulldown-cmark's events with those groups
/// replaced.
fn with_new_groups<'a>(evs: &[Ev<'a>], toks: &[Tok<'a>]) -> Vec<Ev<'a>> {
    let mut out: Vec<Ev<'a>> = Vec::with_capacity(evs.len() + 8);
    let mut i = 0;
    for tok in toks {
        if let Tok::Group {
            start,
            end,
            new: Some(new),
        } = tok
        {
            out.extend_from_slice(&evs[i..*start]);
            push_group(&mut out, evs, *start, *end, Some(new));
            i = end + 1;
        }
    }
    out.extend_from_slice(&evs[i..]);
    out
}

/// Step 4: the events of the scope rebuilt from the tokens and the new pairing: at each
/// run, the emphasis it closes, its unmatched delimiters as text, the emphasis it opens.
fn reassemble<'a>(
    src: &'a str,
    evs: &[Ev<'a>],
    toks: &[Tok<'a>],
    runs: &[Run],
    matches: &[Match],
) -> Vec<Ev<'a>> {
    let mut out: Vec<Ev<'a>> = Vec::with_capacity(evs.len() + 8);
    for tok in toks {
        match tok {
            Tok::Run(r) => {
                let run = &runs[*r];
                for m in &matches[run.closes.clone()] {
                    out.push((m.kind.end(), m.range.clone()));
                }
                let lit = run.start + run.lo..run.end - run.hi;
                if !lit.is_empty() {
                    out.push((Event::Text(CowStr::Borrowed(&src[lit.clone()])), lit));
                }
                let mut open = run.last_open;
                while let Some(m) = open {
                    let m = &matches[m];
                    out.push((m.kind.start(), m.range.clone()));
                    open = m.prev_open;
                }
            }
            Tok::Text(r) => out.push((Event::Text(CowStr::Borrowed(&src[r.clone()])), r.clone())),
            Tok::Keep(i) | Tok::Break(i) => out.push(evs[*i].clone()),
            Tok::Group { start, end, new } => push_group(&mut out, evs, *start, *end, new.as_ref()),
        }
    }
    out
}

fn push_group<'a>(
    out: &mut Vec<Ev<'a>>,
    evs: &[Ev<'a>],
    start: usize,
    end: usize,
    new: Option<&Vec<Ev<'a>>>,
) {
    match new {
        Some(new) => {
            out.push(evs[start].clone());
            out.extend_from_slice(new);
            out.push(evs[end].clone());
        }
        None => out.extend_from_slice(&evs[start..=end]),
    }
}

/// Index of the `End` that closes the link or image starting at `start`.
fn matching_end(evs: &[Ev], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, (ev, _)) in evs.iter().enumerate().skip(start) {
        match ev {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// What precedes a delimiter run: the character right before it and, when that character is
/// a variation selector, the base character it modifies.
#[derive(Clone, Copy)]
struct Before {
    c: char,
    base: Option<char>,
}

impl Before {
    const LINE_EDGE: Before = Before {
        c: '\n',
        base: None,
    };

    fn from_source(before: &str) -> Before {
        let mut chars = before.chars().rev();
        let Some(c) = chars.next() else {
            return Before::LINE_EDGE;
        };
        let base = if is_general_vs(c) { chars.next() } else { None };
        Before { c, base }
    }

    fn is_whitespace(self) -> bool {
        is_whitespace(self.c)
    }

    /// "Unicode punctuation sequence": punctuation, optionally followed by a selector.
    fn is_punctuation_seq(self) -> bool {
        is_punctuation(self.c) || self.base.is_some_and(is_punctuation)
    }

    /// "CJK sequence": a CJK character, optionally followed by a selector.
    fn is_cjk_seq(self) -> bool {
        is_cjk(self.c) || self.base.is_some_and(is_cjk)
    }

    /// "Non-CJK punctuation sequence".
    fn is_non_cjk_punctuation_seq(self) -> bool {
        match self.base {
            Some(b) => {
                is_punctuation(b) && !is_cjk(b) && !(self.c == '\u{FE01}' && is_ambiguous_quote(b))
            }
            None => is_punctuation(self.c) && !is_cjk(self.c),
        }
    }
}

/// `(can_open, can_close)` of a delimiter run of `len` × `ch`: first under standard
/// CommonMark (as pulldown-cmark applies it), then under the amended rules.
fn abilities(ch: u8, len: usize, before: Before, after: char) -> [(bool, bool); 2] {
    if ch == b'~' && len > 2 {
        return [(false, false); 2];
    }
    let after_ws = is_whitespace(after);
    let after_punct = is_punctuation(after);
    let after_cjk = is_cjk(after);
    let before_ws = before.is_whitespace();
    let before_punct = is_punctuation(before.c);

    let left = !after_ws && (!after_punct || before_ws || before_punct);
    let right = !before_ws && (!before_punct || after_ws || after_punct);
    let standard = (left, right, before_punct);

    let before_non_cjk_punct = before.is_non_cjk_punctuation_seq();
    let after_non_cjk_punct = after_punct && !after_cjk;
    let left = !after_ws
        && (!after_non_cjk_punct
            || before_ws
            || before_non_cjk_punct
            || before.is_cjk_seq()
            || is_ideographic_vs(before.c));
    let right = !before_ws && (!before_non_cjk_punct || after_ws || after_punct || after_cjk);
    let amended = (left, right, before.is_punctuation_seq());

    [standard, amended].map(|(left, right, before_punct)| match (ch, len) {
        (b'*', _) => (left, right),
        // pulldown-cmark lets a double tilde open anywhere it is not followed by whitespace.
        (b'~', 2) => (!after_ws, right),
        _ => (
            left && (!right || before_punct),
            right && (!left || after_punct),
        ),
    })
}

/// Pair delimiter runs the way pulldown-cmark does: closers are matched, left to right,
/// against the nearest compatible opener; anything between them stops being a delimiter.
fn pair(runs: &mut [Run], matches: &mut Vec<Match>, stack: &mut Vec<Opener>) {
    stack.clear();
    // For each kind of closer, the stack height below which no opener can match it; keeps
    // long runs of unmatched delimiters linear.
    let mut bottoms = [0usize; 14];
    for r in 0..runs.len() {
        let (ch, len, can_open, can_close) = (
            runs[r].ch,
            runs[r].len(),
            runs[r].can_open,
            runs[r].can_close,
        );
        if !can_open && !can_close {
            continue;
        }
        let both = can_open && can_close;
        let mut count = len;
        let first_close = matches.len();
        if can_close {
            let key = match ch {
                b'~' => 12 + (len - 1).min(1),
                b'*' => usize::from(both) * 3 + len % 3,
                _ => 6 + usize::from(both) * 3 + len % 3,
            };
            while count > 0 {
                let bottom = bottoms[key].min(stack.len());
                let found = stack[bottom..].iter().rposition(|o| {
                    let op = &runs[o.run];
                    let op_both = op.can_open && op.can_close;
                    op.ch == ch
                        && (ch != b'~' || op.len() == len)
                        && ((!both && !op_both) || (len + op.len()) % 3 != 0 || len % 3 == 0)
                });
                let Some(found) = found else {
                    bottoms[key] = stack.len();
                    break;
                };
                let ix = bottom + found;
                let opener = stack[ix];
                stack.truncate(ix);
                for b in &mut bottoms {
                    *b = (*b).min(ix);
                }
                let used = count.min(opener.count);
                let mut rem = used;
                while rem > 0 {
                    let (kind, width) = if ch == b'~' {
                        (Kind::Strikethrough, rem)
                    } else if rem >= 2 {
                        (Kind::Strong, 2)
                    } else {
                        (Kind::Emphasis, 1)
                    };
                    let op = &mut runs[opener.run];
                    let open_at = op.end - op.hi - width;
                    op.hi += width;
                    let prev_open = op.last_open.replace(matches.len());
                    let cl = &mut runs[r];
                    let close_at = cl.start + cl.lo;
                    cl.lo += width;
                    matches.push(Match {
                        kind,
                        range: open_at..close_at + width,
                        prev_open,
                    });
                    rem -= width;
                }
                if opener.count > used {
                    stack.push(Opener {
                        run: opener.run,
                        count: opener.count - used,
                    });
                }
                count -= used;
            }
        }
        runs[r].closes = first_close..matches.len();
        if count > 0 && can_open {
            stack.push(Opener { run: r, count });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn html(src: &str) -> String {
        let opts =
            Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
        let mut events: Vec<Ev> = Parser::new_ext(src, opts).into_offset_iter().collect();
        apply(src, &mut events);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events.into_iter().map(|(e, _)| e));
        out
    }

    fn plain_pulldown(src: &str) -> String {
        let opts =
            Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Parser::new_ext(src, opts));
        out
    }

    #[test]
    fn find_delim_matches_a_byte_scan() {
        let samples = [
            "",
            "*",
            "abc",
            "中文，没有",
            "中文*",
            "12345678_",
            "1234567~890",
            "（一）**加强",
            "aaaaaaaaaaaaaaaaaaaaaaaa*",
            "\u{2A2A}",
            "€*",
            "ab)_(cd",
        ];
        for s in samples {
            for start in 0..s.len() {
                let b = &s.as_bytes()[start..];
                assert_eq!(
                    find_delim(b),
                    b.iter().position(|&c| is_delim(c)),
                    "{s:?}@{start}"
                );
            }
        }
        // Every byte value next to every position, so borrows between bytes are covered.
        for v in 0..=255u8 {
            for at in 0..9 {
                let mut b = [b'a'; 9];
                b[at] = v;
                assert_eq!(find_delim(&b), b.iter().position(|&c| is_delim(c)));
                b[8] = b'*';
                assert_eq!(find_delim(&b), b.iter().position(|&c| is_delim(c)));
            }
        }
    }

    #[test]
    fn numbered_point_is_bold() {
        assert_eq!(
            html("**（一）加强组织领导。**各单位要高度重视。"),
            "<p><strong>（一）加强组织领导。</strong>各单位要高度重视。</p>\n"
        );
    }

    #[test]
    fn amendment_examples_from_the_specification() {
        let cases = [
            (
                "これは**私のやりたかったこと。**だからするの。",
                "<p>これは<strong>私のやりたかったこと。</strong>だからするの。</p>\n",
            ),
            (
                "**[製品ほげ](./product-foo)**と**[製品ふが](./product-bar)**をお試しください",
                "<p><strong><a href=\"./product-foo\">製品ほげ</a></strong>と<strong><a href=\"./product-bar\">製品ふが</a></strong>をお試しください</p>\n",
            ),
            (
                "**推荐几个框架：**React、Vue等前端框架。",
                "<p><strong>推荐几个框架：</strong>React、Vue等前端框架。</p>\n",
            ),
            (
                "太郎は**「こんにちわ」**といった",
                "<p>太郎は<strong>「こんにちわ」</strong>といった</p>\n",
            ),
            (
                "太郎は**\"こんにちわ\"**といった",
                "<p>太郎は<strong>\"こんにちわ\"</strong>といった</p>\n",
            ),
            (
                "Git**（注：不是GitHub）**",
                "<p>Git<strong>（注：不是GitHub）</strong></p>\n",
            ),
            ("**真，**她", "<p><strong>真，</strong>她</p>\n"),
            ("真**（她**", "<p>真<strong>（她</strong></p>\n"),
            ("**真〃**她", "<p><strong>真〃</strong>她</p>\n"),
            (
                "𰻞𰻞**(ビャンビャン)**麺",
                "<p>𰻞𰻞<strong>(ビャンビャン)</strong>麺</p>\n",
            ),
            (
                "**스크립트(script)**라고",
                "<p><strong>스크립트(script)</strong>라고</p>\n",
            ),
            ("注意：__注意事項__", "<p>注意：<strong>注意事項</strong></p>\n"),
            ("__注意__：注意事項", "<p><strong>注意</strong>：注意事項</p>\n"),
            (
                "正體字。︁_Traditional._",
                "<p>正體字。︁<em>Traditional.</em></p>\n",
            ),
            (
                "**“︁Git”︁**Hub",
                "<p><strong>“︁Git”︁</strong>Hub</p>\n",
            ),
            (
                "葛󠄀**(こちらが正式表記)**城市",
                "<p>葛󠄀<strong>(こちらが正式表記)</strong>城市</p>\n",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(html(src), want, "{src}");
        }
    }

    #[test]
    fn emoji_are_not_cjk() {
        // 🈂 is a CJK symbol, so it lets the closer close; ❌ is an emoji and does not.
        assert_eq!(html("a**a🈂**a"), "<p>a<strong>a🈂</strong>a</p>\n");
        assert_eq!(html("a**a❌**a"), plain_pulldown("a**a❌**a"));
        assert!(!html("a**a❌**a").contains("<strong>"));
    }

    #[test]
    fn ordinary_markdown_is_untouched() {
        let cases = [
            "*a* **b** ***c*** _d_ __e__ snake_case_name ~~f~~ ~g~",
            "***a** \\*x*b `**code**` [**l**](u) <http://a/*b*>",
            "**中文**，普通加粗。*强调*。`代码**`",
            "foo*bar*baz _foo_bar_ **a *b* c**",
            "| **a** | *b* |\n|---|---|\n| `c*` | d |",
        ];
        for src in cases {
            assert_eq!(html(src), plain_pulldown(src), "{src}");
        }
    }

    #[test]
    fn code_spans_links_and_escapes_stay_intact() {
        assert_eq!(
            html("**（一）`a**b`。**各单位"),
            "<p><strong>（一）<code>a**b</code>。</strong>各单位</p>\n"
        );
        assert_eq!(
            html("\\**（一）加强。**各单位"),
            "<p>**（一）加强。**各单位</p>\n"
        );
        assert_eq!(
            html("[**（一）加强。**各单位](a.md)"),
            "<p><a href=\"a.md\"><strong>（一）加强。</strong>各单位</a></p>\n"
        );
        assert_eq!(
            html("**（一）加强。**各单位 <http://x/**。**中>"),
            "<p><strong>（一）加强。</strong>各单位 <a href=\"http://x/**%E3%80%82**%E4%B8%AD\">http://x/**。**中</a></p>\n"
        );
    }

    #[test]
    fn nested_and_reshaped_emphasis() {
        assert_eq!(
            html("**（一）*加强*组织。**各单位"),
            "<p><strong>（一）<em>加强</em>组织。</strong>各单位</p>\n"
        );
        // Standard rules pair the second and third runs; amended rules the first two.
        assert_eq!(
            html("**（一）**中文**"),
            "<p><strong>（一）</strong>中文**</p>\n"
        );
        assert_eq!(
            html("第一行**。**中\n**（二）**下"),
            "<p>第一行<strong>。</strong>中\n<strong>（二）</strong>下</p>\n"
        );
        assert_eq!(
            html("# **（一）总则。**说明"),
            "<h1><strong>（一）总则。</strong>说明</h1>\n"
        );
        assert_eq!(
            html("~~（一）删除。~~各单位"),
            "<p><del>（一）删除。</del>各单位</p>\n"
        );
    }

    #[test]
    fn many_unmatched_delimiters_stay_fast() {
        let src = "。**中".repeat(20_000);
        let start = std::time::Instant::now();
        let out = html(&src);
        assert!(out.contains("<strong>"));
        assert!(start.elapsed().as_secs() < 5);
    }

    /// Normalised emphasis structure: the HTML with every tag other than emphasis removed.
    fn structure(html: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            out.push_str(&rest[..lt]);
            let Some(gt) = rest[lt..].find('>') else {
                break;
            };
            let tag = &rest[lt..lt + gt + 1];
            if ["<em>", "</em>", "<strong>", "</strong>", "<del>", "</del>"].contains(&tag) {
                out.push_str(tag);
            }
            rest = &rest[lt + gt + 1..];
        }
        out.push_str(rest);
        out.replace("&quot;", "\"")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    fn comrak_html(src: &str) -> String {
        let mut options = comrak::Options::default();
        options.extension.cjk_friendly_emphasis = true;
        options.extension.strikethrough = true;
        options.extension.table = true;
        comrak::markdown_to_html(src, &options)
    }

    /// Random mixes of delimiters, CJK text and punctuation, compared with comrak wherever
    /// plain pulldown-cmark and plain comrak agree (so only the amendment is under test).
    #[test]
    fn agrees_with_comrak_on_generated_inputs() {
        const PIECES: &[&str] = &[
            "*", "**", "***", "_", "__", "~~", "中", "文", "。", "，", "（", "）", "「", "」", "“",
            "”", "a", "b", " ", "\"", "(", ")", ".", "、", "：", "[链](u)", "`c`", "1",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let mut compared = 0;
        let mut changed = 0;
        let mut failures = Vec::new();
        for _ in 0..4000 {
            let len = 3 + next() % 10;
            let src: String = (0..len).map(|_| PIECES[next() % PIECES.len()]).collect();
            let mut plain_options = comrak::Options::default();
            plain_options.extension.strikethrough = true;
            let baseline_agrees = structure(&plain_pulldown(&src))
                == structure(&comrak::markdown_to_html(&src, &plain_options));
            if !baseline_agrees {
                continue;
            }
            compared += 1;
            let ours = structure(&html(&src));
            if ours != structure(&plain_pulldown(&src)) {
                changed += 1;
            }
            let theirs = structure(&comrak_html(&src));
            if ours != theirs {
                failures.push(format!("{src:?}\n  ours:   {ours}\n  comrak: {theirs}"));
            }
        }
        assert!(compared > 2000, "only {compared} inputs compared");
        assert!(
            changed > 50,
            "only {changed} inputs exercised the amendment"
        );
        assert!(
            failures.is_empty(),
            "{}",
            failures[..failures.len().min(20)].join("\n")
        );
    }

    #[test]
    fn agrees_with_comrak_on_cjk_emphasis() {
        let inputs = [
            "**（一）加强组织领导。**各单位要高度重视。",
            "**（二）明确责任分工。**各部门按职责分工负责。",
            "各地区、各部门要**高度重视**，切实抓好落实。",
            "**第一条**为了规范政府信息公开工作，制定本办法。",
            "**第二条　**本办法适用于本市各级行政机关。",
            "本办法自**2024年1月1日**起施行。",
            "**一、总体情况**2023年，本机关认真贯彻落实。",
            "请于**“十四五”**期间完成。",
            "**“十四五”**规划",
            "依据《**中华人民共和国政府信息公开条例**》制定。",
            "**《条例》**第二十条规定",
            "*（注：本表数据截至年底。）*以下同。",
            "_（注：本表数据截至年底。）_以下同。",
            "__注意__：注意事項",
            "注意：__注意事項__",
            "これは**私のやりたかったこと。**だからするの。",
            "**[製品ほげ](./product-foo)**と**[製品ふが](./product-bar)**をお試しください",
            "単語と**[単語と](word-and)**単語",
            "**これは太字になりません。**ご注意ください。",
            "カッコに注意**（太字にならない）**文が続く場合に要警戒。",
            "**[リンク](https://example.com)**も注意。（画像も同様）",
            "税込**¥10,000**で入手できます。",
            "正解は**④**です。",
            "太郎は**「こんにちわ」**といった",
            "太郎は**\"こんにちわ\"**といった",
            "太郎は**「Hello」**といった",
            "太郎は**\"Hello\"**といった",
            "太郎は**Oh my god**といった",
            "**C#**や**F#**は**「.NET」**というプラットフォーム上で動作します。",
            "IDが**００１号**になります。",
            "Go**「初心者」**を対象とした記事です。",
            "**⻲田太郎**と申します",
            "・**㋐**:選択肢１つ目",
            "**真，**她",
            "**真。**她",
            "**真、**她",
            "**真；**她",
            "**真：**她",
            "**真？**她",
            "**真！**她",
            "**真“**她",
            "**真”**她",
            "**真‘**她",
            "**真’**她",
            "**真（**她",
            "真**（她**",
            "**真）**她",
            "**真【**她",
            "真**【她**",
            "**真】**她",
            "**真《**她",
            "真**《她**",
            "**真》**她",
            "**真—**她",
            "**真～**她",
            "**真…**她",
            "**真·**她",
            "**真〃**她",
            "**真-**她",
            "**真々**她",
            "**真**她",
            "**真，** 她",
            "**真**，她",
            "私は**⻲田太郎**と申します",
            "選択肢**㋐**: 1つ目の選択肢",
            "**さようなら︙**と太郎はいった。",
            ".NET**（.NET Frameworkは不可）**では、",
            "Git**（注：不是GitHub）**",
            "𰻞𰻞**（ビャンビャン）**麺",
            "𰻞𰻞**(ビャンビャン)**麺",
            "ハイパーテキストコーヒーポット制御プロトコル**(HTCPCP)**",
            "﨑**(崎)**",
            "国際規格**[ECMA-262](https://tc39.es/ecma262/)**",
            "**推荐几个框架：**React、Vue等前端框架。",
            "葛󠄀**(こちらが正式表記)**城市",
            "阿寒湖アイヌシアターイコㇿ**(Akanko Ainu Theater Ikor)**",
            "大塚︀**(U+585A U+FE00)** 大塚**(U+FA10)**",
            "〽︎**(庵点)**は、",
            "**“︁Git”︁**Hub",
            "**이 [링크](https://example.kr/)**만을 강조하고 싶다.",
            "**스크립트(script)**라고",
            "패키지를 발행하려면 **`npm publish`**를 실행하십시오.",
            "**안녕(hello)**하세요.",
            "a**🈯a**a",
            "a**a🈯**a",
            "a**⭕a**a",
            "a**a⭕**a",
            "正體字。︁_Traditional._",
            "正體字。︁__Hong Kong and Taiwan.__",
            "简体字 / 新字体。︀_Simplified._",
            "**（一）**中文**",
            "**（一）*加强*组织。**各单位",
            "***（一）加强。***各单位",
            "*（一）**加强**。*各单位",
            "**（一）加强。*各单位*",
            "~~（一）删除。~~各单位",
            "\\**（一）加强。**各单位",
            "第一行**。**中\n**（二）**下",
            "| **（一）合计。**万元 | 备注 |\n|---|---|\n| **（二）。**说明 | 无 |",
        ];
        let mut failures = Vec::new();
        for src in inputs {
            let ours = structure(&html(src));
            let theirs = structure(&comrak_html(src));
            if ours != theirs {
                failures.push(format!("{src}\n  ours:   {ours}\n  comrak: {theirs}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
