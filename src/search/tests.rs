//! Tests of the search index: tokenizer and encodings against the shared vectors, and
//! whole indexes.

use super::postings::*;
use super::records::*;
use super::terms::*;
use super::tokenize::*;
use super::*;
use serde_json::Value;

/// Shared with the browser test, which runs the JavaScript tokenizer on the same cases.
const VECTORS: &str = include_str!("../../tests/browser/search-vectors.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("search-vectors.json is valid JSON")
}

#[test]
fn tokenizer_matches_shared_vectors() {
    let v = vectors();
    let cases = v["tokenize"].as_array().expect("tokenize cases");
    assert!(cases.len() >= 10);
    for case in cases {
        let input = case["input"].as_str().expect("input");
        let want: Vec<String> = case["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .map(|t| t.as_str().expect("token").to_string())
            .collect();
        assert_eq!(tokenize(input), want, "tokenize({input:?})");
    }
}

#[test]
fn doc_no_matches_shared_vectors() {
    let v = vectors();
    for case in v["normalize_doc_no"].as_array().expect("doc_no cases") {
        let input = case["input"].as_str().expect("input");
        let want = case["output"].as_str().expect("output");
        assert_eq!(
            crate::rules::doc_no::normalise(input),
            want,
            "crate::rules::doc_no::normalise({input:?})"
        );
    }
    for case in v["fnv1a"].as_array().expect("fnv cases") {
        let input = case["input"].as_str().expect("input");
        assert_eq!(
            u64::from(fnv1a(input)),
            case["hash"].as_u64().expect("hash")
        );
    }
}

/// The indexer has its own one-pass loop for speed; it must find exactly the tokens of
/// `tokenize`, plus every single CJK character.
#[test]
fn indexer_terms_match_tokenize() {
    let v = vectors();
    for case in v["tokenize"].as_array().expect("cases") {
        let input = case["input"].as_str().expect("input");
        let mut got = field_tokens(input, false);
        got.sort();
        got.dedup();
        let mut want = tokenize(input);
        want.extend(
            normalized(input)
                .into_iter()
                .filter(|&c| class(c) == Class::Cjk)
                .map(String::from),
        );
        want.sort();
        want.dedup();
        assert_eq!(got, want, "{input:?}");
    }
}

/// Collects what the scanner reports, spelled out.
#[derive(Default)]
struct Collect(Vec<String>);

impl TermSink for Collect {
    fn cjk(&mut self, k: u64) {
        let a = char::from_u32((k >> 21) as u32).unwrap();
        self.0
            .push(match char::from_u32((k & 0x1F_FFFF) as u32).unwrap() {
                '\0' => a.to_string(),
                b => [a, b].iter().collect(),
            });
    }
    fn run(&mut self, r: &str) {
        self.0.push(r.to_string());
    }
}

/// Every term the scanner reports for `input`, in order, repeats included.
fn field_tokens(input: &str, cites: bool) -> Vec<String> {
    let mut out = Collect::default();
    scan_field(&[input], cites, &mut Vec::new(), &mut out);
    out.0
}

/// The lists of one document's fields, as doc ids, by token.
fn doc_lists(doc: &SearchDoc) -> [Vec<String>; 3] {
    let mut fields: [FieldIndex; 3] = Default::default();
    index_doc(&mut fields, 0, doc, &mut Vec::new());
    fields.map(|mut f| {
        f.flush();
        f.lists
            .iter()
            .filter_map(|(t, _)| match t {
                OwnedToken::Run(r) => Some(r.to_string()),
                OwnedToken::Cjk(_) => None,
            })
            .collect()
    })
}

/// Doc lists appended piece by piece equal the list built in one go, whatever the cut.
#[test]
fn appended_doc_lists_equal_one_list() {
    let ids: Vec<u32> = (0..3000u32)
        .filter(|i| i % 7 == 0 || i % 11 == 3 || *i > 2900)
        .collect();
    let mut whole = Postings::default();
    ids.iter().for_each(|&i| whole.push(i));
    for cut in [0usize, 1, 5, 64, 200, ids.len()] {
        let mut a = Postings::default();
        ids[..cut].iter().for_each(|&i| a.push(i));
        let mut b = Postings::default();
        ids[cut..].iter().for_each(|&i| b.push(i));
        a.append(&b);
        assert_eq!(a.data, whole.data, "cut at {cut}");
        assert_eq!((a.next, a.count), (whole.next, whole.count));
    }
}

/// The index built in pieces of CHUNK documents, on any number of threads, equals the
/// index built one document at a time on one thread.
#[test]
fn chunked_parallel_index_equals_sequential() {
    let docs: Vec<SearchDoc> = (0..(CHUNK * 2 + 77))
        .map(|i| {
            let text: String = (0..60)
                .map(|j| char::from_u32(0x4E00 + ((i * 31 + j * 17) % 300) as u32).unwrap())
                .collect();
            doc(
                &format!("p/{i}/"),
                &format!("文件{}", i % 9),
                "2024-01-01",
                &text,
            )
        })
        .collect();
    let order: Vec<&SearchDoc> = {
        let mut o: Vec<&SearchDoc> = docs.iter().collect();
        o.sort_by(|a, b| doc_order(a, b));
        o
    };
    let mut seq: [FieldIndex; 3] = Default::default();
    for (i, d) in order.iter().enumerate() {
        index_doc(&mut seq, i as u32, d, &mut Vec::new());
    }
    seq.iter_mut().for_each(FieldIndex::flush);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let a = one.install(|| build_index(&docs));
    let b = four.install(|| build_index(&docs));
    assert_eq!(a, b);
    for key in keys(&seq) {
        let token = match key.token {
            shards::Token::Cjk(_) => {
                let mut s = String::new();
                key.token.write_json(&mut s);
                s.trim_matches('"').to_string()
            }
            shards::Token::Run(r) => r.to_string(),
        };
        let got = lookup(&a, &token);
        for (f, (got, list)) in got.iter().zip(key.lists).enumerate() {
            let want = list.map(|p| decode_deltas(&p.data)).unwrap_or_default();
            assert_eq!(got, &want, "{token} field {f}");
        }
    }
}

#[test]
fn bracket_variants_tokenize_alike() {
    let a = tokenize("示政办发〔2024〕11号");
    for v in [
        "示政办发[2024]11号",
        "示政办发【2024】11号",
        "示政办发（２０２４）11号",
    ] {
        assert_eq!(tokenize(v), a, "{v}");
        assert_eq!(crate::rules::doc_no::normalise(v), "示政办发〔2024〕11号");
    }
    assert_eq!(a, ["示政", "政办", "办发", "2024", "11", "号"]);
}

#[test]
fn varints_round_trip() {
    let ids = [0u32, 1, 2, 31, 32, 33, 1000, 1023, 1024, 40_000, 1_000_000];
    let mut p = Postings::default();
    for &id in &ids {
        p.push(id);
    }
    assert_eq!(decode_deltas(&p.data), ids);
    // Sparse lists stay deltas; dense ones become bitmaps (ids 0–4: bits 0–4 = 31 = 'f').
    let mut q = Postings::default();
    [0, 40, 41].iter().for_each(|&i| q.push(i));
    assert_eq!(q.encode(100), "AhHA"); // 0, 39 = (1+32, 7), 0
    let mut r = Postings::default();
    (0..5).for_each(|i| r.push(i));
    assert_eq!(r.encode(100), "!f");
    assert_eq!(decode_list("!f", 100), [0, 1, 2, 3, 4]);
    // A list of nearly every document is written as the ones it lacks: all but 3 and 7.
    let mut c = Postings::default();
    (0..1000)
        .filter(|&i| i != 3 && i != 7)
        .for_each(|i| c.push(i));
    assert_eq!(c.encode(1000), "~DD");
    assert_eq!(decode_list("~DD", 1000).len(), 998);
    assert_eq!(decode_list(&c.encode(1000), 1000), decode_deltas(&c.data));
}

/// The encoder against doc lists worked out by hand (the browser test decodes the same
/// strings with search.js's decoder), so neither side is only checked against itself.
#[test]
fn doc_lists_match_shared_vectors() {
    let v = vectors();
    let cases = v["doc_lists"].as_array().expect("doc_lists cases");
    let forms: Vec<&str> = cases.iter().map(|c| c["form"].as_str().unwrap()).collect();
    for form in ["delta", "bitmap", "complement"] {
        assert!(
            forms.contains(&form),
            "no {form} case in search-vectors.json"
        );
    }
    for case in cases {
        let count = case["count"].as_u64().expect("count") as u32;
        let list = |key: &str| -> Option<Vec<u32>> {
            case.get(key).map(|a| {
                a.as_array()
                    .expect("ids")
                    .iter()
                    .map(|i| i.as_u64().unwrap() as u32)
                    .collect()
            })
        };
        let ids = match (list("ids"), list("ids_all_but")) {
            (Some(ids), _) => ids,
            (None, Some(absent)) => (0..count).filter(|i| !absent.contains(i)).collect(),
            (None, None) => panic!("case without ids: {case}"),
        };
        let mut p = Postings::default();
        ids.iter().for_each(|&i| p.push(i));
        let (form, len) = p.form(count);
        let want_form = match case["form"].as_str().unwrap() {
            "delta" => Form::Delta,
            "bitmap" => Form::Bitmap,
            "complement" => Form::Complement,
            other => panic!("unknown form {other}"),
        };
        let want = case["encoded"].as_str().unwrap();
        assert_eq!(form, want_form, "form of {case}");
        assert_eq!(p.encode(count), want, "encoding of {case}");
        assert_eq!(len, want.len(), "length estimate of {case}");
    }
}

fn doc(url: &str, title: &str, date: &str, text: &str) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        kind: "policy".into(),
        kind_label: "政策文件".into(),
        title: title.into(),
        date: Some(date.into()),
        year: date.get(..4).and_then(|y| y.parse().ok()),
        validity: Some("现行有效".into()),
        text: text.into(),
        ..Default::default()
    }
}

/// Decodes a doc list the way search.js does.
fn decode_list(s: &str, count: u32) -> Vec<u32> {
    if let Some(absent) = s.strip_prefix('~') {
        let absent = decode_deltas(absent.as_bytes());
        return (0..count).filter(|id| !absent.contains(id)).collect();
    }
    match s.strip_prefix('!') {
        Some(bits) => bits
            .bytes()
            .enumerate()
            .flat_map(|(k, b)| {
                let v = digit_value(b);
                (0..6)
                    .filter(move |j| v & (1 << j) != 0)
                    .map(move |j| (6 * k + j) as u32)
            })
            .collect(),
        None => decode_deltas(s.as_bytes()),
    }
}

/// Looks a token up in built files; returns [body, title, fields] doc ids.
fn lookup(files: &[(String, Vec<u8>)], token: &str) -> [Vec<u32>; 3] {
    let entry: Value =
        serde_json::from_slice(&files.iter().find(|f| f.0 == "search.json").unwrap().1).unwrap();
    let count = entry["count"].as_u64().unwrap() as u32;
    let index: Value = match entry.get("index") {
        Some(i) => i.clone(),
        None => {
            let single =
                token.chars().count() == 1 && class(token.chars().next().unwrap()) == Class::Cjk;
            let (prefix, n) = if single {
                ("char", "char_shards")
            } else {
                ("index", "shards")
            };
            let shards = entry[n].as_u64().unwrap() as u32;
            let path = format!("search/{prefix}-{}.json", fnv1a(token) % shards);
            serde_json::from_slice(&files.iter().find(|f| f.0 == path).unwrap().1).unwrap()
        }
    };
    let lists: Vec<String> = match &index[token] {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        _ => vec![],
    };
    let get = |i: usize| {
        lists
            .get(i)
            .map(|s| decode_list(s, count))
            .unwrap_or_default()
    };
    [get(0), get(1), get(2)]
}

fn sample() -> Vec<SearchDoc> {
    let mut a = doc(
        "policies/a/",
        "关于加强养老服务的通知",
        "2023-05-01",
        "各乡镇要落实养老服务补贴。",
    );
    a.doc_no = Some("示政办发〔2024〕11号".into());
    a.index_no = Some("4305210003/2024-00012".into());
    a.issuer = Some("示例县人民政府办公室".into());
    a.keywords = vec!["养老".into()];
    let b = doc(
        "policies/b/",
        "教育局工作要点",
        "2024-02-01",
        "推进义务教育均衡发展，落实养老保险。",
    );
    let mut c = doc(
        "pages/guide/",
        "信息公开指南",
        "2022-01-01",
        "依申请公开的办理流程。",
    );
    c.kind = "page".into();
    c.kind_label = "普通页面".into();
    c.validity = None;
    vec![a, b, c]
}

#[test]
fn index_finds_tokens_by_field_oldest_first() {
    let files = build_index(&sample());
    // Ids: c (2022) = 0, a (2023) = 1, b (2024) = 2.
    assert_eq!(lookup(&files, "养老"), [vec![1, 2], vec![1], vec![1]]);
    assert_eq!(lookup(&files, "教育"), [vec![2], vec![2], vec![]]);
    assert_eq!(lookup(&files, "2024"), [vec![], vec![], vec![1]]);
    assert_eq!(
        lookup(&files, "#示政办发〔2024〕11号"),
        [vec![], vec![], vec![1]]
    );
    assert_eq!(
        lookup(&files, "#4305210003/2024-00012"),
        [vec![], vec![], vec![1]]
    );
    // Single characters are indexed, including the last of a run and one-char runs.
    assert_eq!(lookup(&files, "号")[2], vec![1]);
    assert_eq!(lookup(&files, "程")[0], vec![0]);
    assert_eq!(lookup(&files, "办")[0], vec![0]);
    assert_eq!(lookup(&files, "不存在")[0], Vec::<u32>::new());
}

#[test]
fn entry_holds_facets_and_records() {
    let files = build_index(&sample());
    assert_eq!(files.len(), 1, "a small site is one file");
    let e: Value = serde_json::from_slice(&files[0].1).unwrap();
    assert_eq!(e["format"], "gongkai-search");
    assert_eq!(e["count"], 3);
    assert_eq!(e["years"], serde_json::json!([2024, 2023, 2022]));
    assert_eq!(e["statuses"], serde_json::json!(["现行有效"]));
    assert_eq!(e["kinds"][0]["value"], "page");
    let codes = e["facets"]["codes"].as_str().unwrap();
    let (k, st) = (2, 2);
    let decoded: Vec<(u32, u32, u32)> = codes
        .bytes()
        .map(|b| {
            let v = digit_value(b);
            (v % k, (v / k) % st, v / (k * st))
        })
        .collect();
    // c: page, none, 2022; a: policy, 现行有效, 2023; b: policy, 现行有效, 2024.
    assert_eq!(decoded, [(0, 0, 3), (1, 1, 2), (1, 1, 1)]);
    assert_eq!(e["meta"][1][0], "policies/a/");
    assert_eq!(e["meta"][1][2], "示政办发〔2024〕11号");
    assert_eq!(e["meta"][1][6], serde_json::json!(["养老"]));
}

#[test]
fn output_is_deterministic_and_order_independent() {
    let mut docs = sample();
    let a = build_index(&docs);
    docs.reverse();
    assert_eq!(build_index(&docs), a);
}

#[test]
fn large_sites_are_split_into_shards() {
    let docs: Vec<SearchDoc> = (0..400)
        .map(|i| {
            let text: String = (0..400)
                .map(|j| char::from_u32(0x4E00 + ((i * 7919 + j * 104_729) % 6000) as u32).unwrap())
                .collect();
            doc(
                &format!("p/{i}/"),
                &format!("文件{i}"),
                &format!("20{:02}-01-01", i % 20),
                &text,
            )
        })
        .collect();
    let files = build_index(&docs);
    let entry: Value =
        serde_json::from_slice(&files.iter().find(|f| f.0 == "search.json").unwrap().1).unwrap();
    let shards = entry["shards"].as_u64().unwrap() as usize;
    let char_shards = entry["char_shards"].as_u64().unwrap() as usize;
    let chunk = entry["meta_chunk"].as_u64().unwrap() as usize;
    assert!(shards > 1 && entry.get("index").is_none());
    assert_eq!(
        files
            .iter()
            .filter(|f| f.0.starts_with("search/index-"))
            .count(),
        shards
    );
    assert_eq!(
        files
            .iter()
            .filter(|f| f.0.starts_with("search/char-"))
            .count(),
        char_shards
    );
    assert_eq!(
        files
            .iter()
            .filter(|f| f.0.starts_with("search/meta-"))
            .count(),
        entry["meta_files"].as_u64().unwrap() as usize
    );
    assert_eq!(entry["count"], 400);
    // Every document's title bigram "文件" is found, in id order.
    assert_eq!(lookup(&files, "文件")[1], (0..400).collect::<Vec<u32>>());
    // Records are in doc-id order: the first chunk starts with the oldest document.
    let m0: Value = serde_json::from_slice(
        &files
            .iter()
            .find(|f| f.0 == "search/meta-0.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(m0.as_array().unwrap().len(), chunk.min(400));
    assert_eq!(m0[0][5], "2000-01-01");
    // Among documents of one date, the larger URL (as a string) comes first: the
    // reverse of newest first, then by URL.
    assert_eq!(m0[0][0], "p/80/");
    // Each token sits in the shard its hash names: single characters in char- shards.
    for (path, bytes) in files
        .iter()
        .filter(|f| f.0.starts_with("search/index-") || f.0.starts_with("search/char-"))
    {
        let obj: Value = serde_json::from_slice(bytes).unwrap();
        for k in obj.as_object().unwrap().keys() {
            let want = if k.chars().count() == 1 && class(k.chars().next().unwrap()) == Class::Cjk {
                format!("search/char-{}.json", fnv1a(k) as usize % char_shards)
            } else {
                format!("search/index-{}.json", fnv1a(k) as usize % shards)
            };
            assert_eq!(path, &want);
        }
    }
    // The single characters are findable too.
    assert!(!lookup(&files, "文")[1].is_empty());
}

#[test]
fn cited_numbers_are_exact_keys() {
    let mut keys = Vec::new();
    let text = "根据《通知》（示教发〔2026〕7号）和示政办发[2024]11号要求，2024年〔2024〕号不算。";
    cited_doc_nos(&normalized(text), &mut keys);
    assert_eq!(
        keys,
        [
            "#教发〔2026〕7号",
            "#示教发〔2026〕7号",
            "#办发〔2024〕11号",
            "#政办发〔2024〕11号",
            "#示政办发〔2024〕11号",
            "#和示政办发〔2024〕11号",
        ]
    );
    let mut d = doc(
        "policies/c/",
        "关于废止的决定",
        "2025-01-01",
        "示教发〔2026〕7号同时废止。",
    );
    d.doc_no = Some("示政发〔2025〕1号".into());
    let files = build_index(&[d]);
    assert_eq!(
        lookup(&files, "#示教发〔2026〕7号"),
        [vec![0], vec![], vec![]]
    );
    assert_eq!(
        lookup(&files, "#示政发〔2025〕1号"),
        [vec![], vec![], vec![0]]
    );
}

#[test]
fn snippet_collapses_whitespace() {
    assert_eq!(snippet("  一二\n\n三四  五 ", 100), "一二 三四 五");
    assert_eq!(snippet("一二三四五", 3), "一二三");
}

/// A 发文字号 finds a document in the link stage (references) exactly when it finds it
/// in search (the document's own number, and a number cited in its text): both go
/// through `rules::doc_no::normalise`. Before they were one function, search and
/// references disagreed on `〘〙`, on letter case and on `09号` = `9号`.
#[test]
fn doc_no_matches_in_references_and_search_alike() {
    use crate::rules::doc_no::normalise;
    let written = [
        "示政办发〔2024〕9号",
        "示政办发[2024]09号",
        "示政办发（２０２４）9号",
        "示政办发〘2024〙009号",
        "示政办发 【2024】 9号",
        "示政办发〔2024〕19号",
        "示政发〔2024〕9号",
        "示政办发〔2023〕9号",
    ];
    for a in written {
        for b in written {
            let referenced = normalise(a) == normalise(b);
            let doc = SearchDoc {
                doc_no: Some(b.into()),
                text: format!("根据{b}的规定"),
                ..SearchDoc::default()
            };
            let [body, _, fields] = doc_lists(&doc);
            let key = format!("#{}", normalise(a));
            assert_eq!(fields.contains(&key), referenced, "own: {a} ~ {b}");
            // Running text is scanned for numbers written without spaces.
            if !b.contains(' ') {
                assert_eq!(body.contains(&key), referenced, "cited: {a} ~ {b}");
            }
        }
    }
}

/// Tiny deterministic generator, so random documents are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn random_text(rng: &mut Lcg) -> String {
    // "示例" in most documents: its lists are written as complements.
    let common = if rng.next(10) < 7 { "示例。" } else { "" };
    let text: String = (0..rng.next(300) + 20)
        .map(|_| char::from_u32(0x4E00 + rng.next(400) as u32).unwrap())
        .collect();
    format!("{common}{text}")
}

fn random_doc(rng: &mut Lcg, url: usize) -> SearchDoc {
    let text = random_text(rng);
    let mut d = doc(
        &format!("p/{url}/"),
        &format!("文件{}", rng.next(50)),
        &format!(
            "20{:02}-0{}-1{}",
            10 + rng.next(15),
            1 + rng.next(9),
            rng.next(10)
        ),
        &text,
    );
    if rng.next(3) == 0 {
        d.doc_no = Some(format!("示政发〔2024〕{}号", rng.next(90)));
    }
    if rng.next(4) == 0 {
        d.validity = Some(["已废止", "已修改", "现行有效"][rng.next(3)].into());
    }
    if rng.next(5) == 0 {
        d.date = None;
        d.year = None;
    }
    if rng.next(6) == 0 {
        d.kind = "page".into();
        d.kind_label = "普通页面".into();
        d.issuer = Some("示例县人民政府".into());
        d.keywords = vec!["示例".into()];
    }
    d
}

/// The documents an index should hold, by URL, and the files it served so far.
struct Model {
    docs: std::collections::BTreeMap<String, SearchDoc>,
    served: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Model {
    fn new(docs: &[SearchDoc], index: &SearchIndex) -> Model {
        Model {
            docs: docs.iter().map(|d| (d.url.clone(), d.clone())).collect(),
            served: files_of(index),
        }
    }

    /// Applies `changes` to the model and the index; checks that the update reported
    /// exactly the files that changed and that the files are those of a full build.
    fn apply(&mut self, index: &mut SearchIndex, changes: Vec<DocChange>) -> FileChanges {
        self.apply_then(index, changes, true)
    }

    /// [`Model::apply`], comparing with a full build only when `check`.
    fn apply_then(
        &mut self,
        index: &mut SearchIndex,
        changes: Vec<DocChange>,
        check: bool,
    ) -> FileChanges {
        for c in &changes {
            match c {
                DocChange::Upsert(d) => self.docs.insert(d.url.clone(), (**d).clone()),
                DocChange::Remove(u) => self.docs.remove(u),
            };
        }
        let before = self.served.clone();
        let diff = index.update(changes);
        for p in &diff.removed {
            assert!(
                self.served.remove(p).is_some(),
                "removed {p} was never there"
            );
        }
        for (p, b) in &diff.written {
            assert_ne!(before.get(p), Some(b), "{p} reported but unchanged");
            self.served.insert(p.clone(), b.clone());
        }
        if !check {
            return diff;
        }
        let docs: Vec<SearchDoc> = self.docs.values().cloned().collect();
        let full: std::collections::BTreeMap<String, Vec<u8>> =
            build_index(&docs).into_iter().collect();
        assert_eq!(
            self.served.keys().collect::<Vec<_>>(),
            full.keys().collect::<Vec<_>>()
        );
        for (p, b) in &full {
            assert!(self.served[p] == *b, "{p} differs from a full build");
        }
        assert_eq!(files_of(index), full, "the index's own files");
        assert_eq!(index.len(), docs.len());
        diff
    }
}

fn files_of(index: &SearchIndex) -> std::collections::BTreeMap<String, Vec<u8>> {
    index.files().into_iter().collect()
}

fn entry_of(index: &SearchIndex) -> Value {
    let files = index.files();
    serde_json::from_slice(&files.iter().find(|f| f.0 == "search.json").unwrap().1).unwrap()
}

/// One edit of a random update.
#[derive(Debug, Clone)]
enum Edit {
    /// A new document, with this seed; `newest` dates it after every other.
    Add { seed: u64, newest: bool },
    /// The document at this position (of the URLs, sorted) goes.
    Remove(usize),
    /// Its text is replaced.
    Body(usize, u64),
    /// Its title is replaced.
    Title(usize, u64),
    /// It gets another date (and so usually another doc id).
    Redate(usize, u64),
}

fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
    use proptest::prelude::*;
    prop_oneof![
        (any::<u64>(), any::<bool>()).prop_map(|(seed, newest)| Edit::Add { seed, newest }),
        any::<usize>().prop_map(Edit::Remove),
        (any::<usize>(), any::<u64>()).prop_map(|(p, s)| Edit::Body(p, s)),
        (any::<usize>(), any::<u64>()).prop_map(|(p, s)| Edit::Title(p, s)),
        (any::<usize>(), any::<u64>()).prop_map(|(p, s)| Edit::Redate(p, s)),
    ]
}

fn change_for(model: &Model, edit: &Edit, next_url: &mut usize) -> Option<DocChange> {
    let urls: Vec<&String> = model.docs.keys().collect();
    let pick = |p: usize| {
        urls.get(p % urls.len().max(1))
            .map(|u| model.docs[*u].clone())
    };
    Some(match *edit {
        Edit::Add { seed, newest } => {
            let mut d = random_doc(&mut Lcg(seed), *next_url);
            *next_url += 1;
            if newest {
                d.date = Some("2099-12-31".into());
                d.year = Some(2099);
            }
            DocChange::Upsert(Box::new(d))
        }
        Edit::Remove(p) => DocChange::Remove(pick(p)?.url),
        Edit::Body(p, seed) => {
            let mut d = pick(p)?;
            d.text = random_text(&mut Lcg(seed));
            DocChange::Upsert(Box::new(d))
        }
        Edit::Title(p, seed) => {
            let mut d = pick(p)?;
            d.title = format!("文件{}", Lcg(seed).next(50));
            DocChange::Upsert(Box::new(d))
        }
        Edit::Redate(p, seed) => {
            let mut d = pick(p)?;
            let new = random_doc(&mut Lcg(seed), 0);
            d.date = new.date;
            d.year = new.year;
            DocChange::Upsert(Box::new(d))
        }
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]
    /// Random sequences of added (newest or anywhere), removed, re-texted, re-titled and
    /// re-dated documents: after each update the index's files are exactly those of a
    /// full build of the same documents, and the update reported exactly the files that
    /// changed. Sites from a handful of documents (everything inline) to a few hundred
    /// (split, several shards), so updates also cross between layouts.
    #[test]
    fn search_index_updates_equal_full_builds(
        seed in proptest::prelude::any::<u64>(),
        size in 0usize..320,
        batches in proptest::collection::vec(proptest::collection::vec(edit(), 1..5), 1..6),
    ) {
        let mut rng = Lcg(seed);
        let docs: Vec<SearchDoc> = (0..size).map(|u| random_doc(&mut rng, u)).collect();
        let mut index = SearchIndex::build(docs.clone());
        let full: std::collections::BTreeMap<String, Vec<u8>> =
            build_index(&docs).into_iter().collect();
        proptest::prop_assert_eq!(&files_of(&index), &full);
        let mut model = Model::new(&docs, &index);
        let mut next_url = size;
        for batch in &batches {
            let changes: Vec<DocChange> = batch
                .iter()
                .filter_map(|e| change_for(&model, e, &mut next_url))
                .collect();
            model.apply(&mut index, changes);
        }
    }
}

/// Split across several shards, the common edits touch few files: a body edit its
/// record chunk, the shards of the terms it gained or lost and nothing else.
#[test]
fn body_edit_rewrites_few_files() {
    let mut rng = Lcg(7);
    let docs: Vec<SearchDoc> = (0..400).map(|u| random_doc(&mut rng, u)).collect();
    let mut index = SearchIndex::build(docs.clone());
    let total = index.files().len();
    assert!(total > 20, "split into {total} files");
    let mut model = Model::new(&docs, &index);
    let mut d = docs[17].clone();
    d.text.push('丐');
    d.text.push('丐');
    let diff = model.apply(&mut index, vec![DocChange::Upsert(Box::new(d))]);
    assert!(diff.removed.is_empty());
    assert!(
        diff.written.len() <= 4,
        "{:?}",
        diff.written.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
}

/// A new document dated among the others moves the ids after it, so nearly every file
/// changes: the update reports them all (and only them), the files equal a full build's,
/// and the index, which keeps only digests of its files, assembles the same ones again.
#[test]
fn a_document_dated_in_the_middle_rewrites_what_moved() {
    let mut rng = Lcg(11);
    let docs: Vec<SearchDoc> = (0..400).map(|u| random_doc(&mut rng, u)).collect();
    let (mut index, built) = SearchIndex::build_with_files(docs.clone());
    assert_eq!(built, build_index(&docs));
    assert_eq!(built, index.files());
    let mut model = Model::new(&docs, &index);
    let mut middle = random_doc(&mut rng, 400);
    let mut dates: Vec<&str> = docs.iter().filter_map(|d| d.date.as_deref()).collect();
    dates.sort_unstable();
    middle.date = Some(dates[dates.len() / 2].to_string());
    let diff = model.apply(&mut index, vec![DocChange::Upsert(Box::new(middle))]);
    assert!(
        diff.written.len() * 2 > built.len(),
        "{} of {} files",
        diff.written.len(),
        built.len()
    );
    // Taken out again: the first files, byte for byte.
    model.apply(&mut index, vec![DocChange::Remove("p/400/".into())]);
    assert_eq!(index.files(), built);
}

/// Which form a list is written in is decided without measuring the forms that cannot
/// win; ties still go to delta, then bitmap, as the build decides them. Every list of
/// every count up to 12 documents.
#[test]
fn id_lists_choose_the_build_form_for_every_small_list() {
    for count in 1u32..=12 {
        for set in 1u32..(1 << count) {
            let ids: Vec<u32> = (0..count).filter(|i| set & (1 << i) != 0).collect();
            let p = Postings::from_ids(&ids);
            assert_eq!(
                DocList::form(ids.as_slice(), count),
                p.form(count),
                "{ids:?} of {count}"
            );
        }
    }
    // Delta and bitmap the same length: delta.
    let ids = [0, 5, 10, 15];
    assert_eq!(DocList::form(&ids[..], 16), (Form::Delta, 4));
}

/// A token in more than half of the documents is written as its complement, which
/// depends on the number of documents: adding a newest document without the token must
/// write that list again, though the token's documents did not change.
#[test]
fn complement_lists_follow_the_document_count() {
    let docs: Vec<SearchDoc> = (0..40)
        .map(|i| {
            let text = if i % 10 == 3 {
                "其他内容"
            } else {
                "示例内容"
            };
            doc(&format!("p/{i}/"), "标题", "2024-01-01", text)
        })
        .collect();
    let mut index = SearchIndex::build(docs.clone());
    let before = files_of(&index);
    let files: Vec<(String, Vec<u8>)> = before.clone().into_iter().collect();
    assert_eq!(lookup(&files, "示例")[0].len(), 36);
    let entry: Value = serde_json::from_slice(&before["search.json"]).unwrap();
    assert!(
        entry["index"]["示例"].as_str().unwrap().starts_with('~'),
        "{}",
        entry["index"]["示例"]
    );
    let mut model = Model::new(&docs, &index);
    let newest = doc("p/new/", "标题", "2025-01-01", "其他内容");
    model.apply(&mut index, vec![DocChange::Upsert(Box::new(newest))]);
    let files: Vec<(String, Vec<u8>)> = files_of(&index).into_iter().collect();
    assert_eq!(lookup(&files, "示例")[0].len(), 36);
    assert!(!lookup(&files, "示例")[0].contains(&40));
    // And back: the newest document has the token after all, then goes.
    let newest = doc("p/new/", "标题", "2025-01-01", "示例内容");
    model.apply(&mut index, vec![DocChange::Upsert(Box::new(newest))]);
    let files: Vec<(String, Vec<u8>)> = files_of(&index).into_iter().collect();
    assert!(lookup(&files, "示例")[0].contains(&40));
    model.apply(&mut index, vec![DocChange::Remove("p/new/".into())]);
    assert_eq!(files_of(&index), before);
}

#[test]
fn shard_counts_are_powers_of_two_nearest_the_target() {
    let t = SHARD_TARGET_BYTES;
    assert_eq!(shard_count(0), 1);
    assert_eq!(shard_count(t), 1);
    assert_eq!(shard_count(t + 1), 2);
    assert_eq!(shard_count(2 * t), 2);
    assert_eq!(shard_count(3 * t), 4);
    assert_eq!(shard_count(5 * t), 4);
    assert_eq!(shard_count(6 * t), 8);
    assert_eq!(shard_count(11 * t), 8);
    assert_eq!(shard_count(12 * t), 16);
    assert_eq!(shard_count(600 * t), 512);
    for n in 1..5000 {
        let s = shard_count(n * t);
        assert!(s.is_power_of_two());
        assert!(s * s <= 2 * n * n && n * n <= 2 * s * s, "{n} → {s}");
    }
}

/// Growing a site one newest document at a time crosses from everything inline to split
/// files, and later from one shard count to the next: each crossing renames files, and
/// the update must write the new ones and remove the old.
#[test]
fn updates_cross_layout_boundaries() {
    let mut rng = Lcg(11);
    let mut index = SearchIndex::build(Vec::<SearchDoc>::new());
    let mut model = Model::new(&[], &index);
    let mut seen: Vec<(u64, u64, u64)> = Vec::new();
    let shape = |e: &Value| {
        (
            e["shards"].as_u64().unwrap_or(0),
            e["char_shards"].as_u64().unwrap_or(0),
            e["meta_chunk"].as_u64().unwrap_or(0),
        )
    };
    for i in 0..700 {
        let mut d = random_doc(&mut rng, i);
        d.date = Some(format!("2{i:03}-01-01"));
        d.year = Some(2000 + i as i32);
        let before = shape(&entry_of(&index));
        let change = vec![DocChange::Upsert(Box::new(d))];
        model.apply_then(&mut index, change, false);
        let after = shape(&entry_of(&index));
        // Compare with a full build where the layout changed (and every 50th).
        if after != before || i % 50 == 0 {
            model.apply(&mut index, Vec::new());
            seen.push(after);
        }
    }
    seen.dedup();
    // Inline, then split with more shards as the site grows.
    assert!(seen.len() >= 3, "{seen:?}");
    assert_eq!(files_of(&index), model.served);
}

proptest::proptest! {
    /// The index `serve` keeps writes sorted ids directly; a build writes its growing
    /// lists. Same ids, same count: same form, length and string.
    #[test]
    fn id_lists_write_like_postings(
        ids in proptest::collection::btree_set(0u32..3000, 1..400),
        extra in 0u32..200,
        dense in proptest::prelude::any::<bool>(),
    ) {
        // Dense: every id up to the largest but those drawn, to reach the complement form.
        let ids: Vec<u32> = if dense {
            let top = *ids.last().unwrap();
            (0..=top).filter(|i| *i == top || !ids.contains(i)).collect()
        } else {
            ids.into_iter().collect()
        };
        let count = ids.last().unwrap() + 1 + extra;
        let p = Postings::from_ids(&ids);
        let form = DocList::form(ids.as_slice(), count);
        proptest::prop_assert_eq!(form, p.form(count));
        let mut a = String::new();
        DocList::write_form(ids.as_slice(), &mut a, form.0, count);
        let mut b = String::new();
        p.write_form(&mut b, form.0, count);
        proptest::prop_assert_eq!(&a, &b);
        proptest::prop_assert_eq!(a.len(), form.1);
    }
}

/// The index streamed from render — chunks of consecutive doc ids indexed as they come,
/// joined in order, from any cut and any grouping of the joins — equals `build_index`,
/// facets included (kinds, statuses and years that first appear in later chunks).
#[test]
fn streamed_parts_equal_build_index() {
    use crate::render::SearchIndexer;
    let docs: Vec<SearchDoc> = (0..300usize)
        .map(|i| {
            let text: String = (0..40)
                .map(|j| char::from_u32(0x4E00 + ((i * 13 + j * 7) % 200) as u32).unwrap())
                .collect();
            let mut d = doc(
                &format!("p/{}/", i % 250),
                &format!("文件{}", i % 5),
                &format!("20{:02}-0{}-1{}", 10 + i % 13, 1 + i % 9, i % 10),
                &text,
            );
            if i % 7 == 0 {
                d.date = None;
                d.year = None;
            }
            if i > 150 && i % 3 == 0 {
                (d.kind, d.kind_label) = ("interpretation".into(), "政策解读".into());
                d.validity = if i % 2 == 0 {
                    Some("已废止".into())
                } else {
                    None
                };
            }
            d
        })
        .collect();
    let want = build_index(&docs);
    let entry = &want
        .iter()
        .find(|(p, _)| p == "search.json")
        .expect("entry")
        .1;
    let entry: Value = serde_json::from_slice(entry).expect("JSON");
    assert_eq!(entry["kinds"].as_array().map(Vec::len), Some(2));
    let mut order: Vec<&SearchDoc> = docs.iter().collect();
    order.sort_by(|a, b| doc_order(a, b));
    for chunk in [1usize, 7, 64, 100, 512] {
        let streamed = Streamed { chunk };
        let parts: Vec<IndexPart> = order
            .chunks(chunk)
            .enumerate()
            .map(|(c, ds)| streamed.index(c * chunk, ds.iter().map(|&d| d.clone()).collect()))
            .collect();
        // Left to right, and right to left: joining is associative.
        let mut left = parts.into_iter();
        let first = left.next().expect("a part");
        let joined = left.fold(first, |a, b| streamed.join(a, b));
        assert!(
            joined.files() == want,
            "chunks of {chunk}, joined left to right"
        );
        let parts: Vec<IndexPart> = order
            .chunks(chunk)
            .enumerate()
            .map(|(c, ds)| streamed.index(c * chunk, ds.iter().map(|&d| d.clone()).collect()))
            .collect();
        let joined = parts
            .into_iter()
            .rev()
            .reduce(|b, a| streamed.join(a, b))
            .expect("a part");
        assert!(
            joined.files() == want,
            "chunks of {chunk}, joined right to left"
        );
    }
}
