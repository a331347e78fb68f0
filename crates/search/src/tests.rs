use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn agency() -> Uuid {
    Uuid::from_u128(1)
}

fn doc(n: u128, party: &str, facts: &str, decided: &str) -> Doc {
    Doc {
        record_id: Uuid::from_u128(n),
        agency_id: agency(),
        agency: "安乡县市场监督管理局".into(),
        area: "安乡县".into(),
        kind: "penalty".into(),
        category: "行政处罚".into(),
        party: party.into(),
        document_number: format!("安市监罚决〔2026〕{n}号"),
        facts: facts.into(),
        basis: "《中华人民共和国市场主体登记管理条例》第三十六条、第四十八条第二款".into(),
        conclusion: "罚款人民币壹万伍仟元".into(),
        decided_on: d(decided),
        takedown_on: d("2028-11-20"),
    }
}

fn index_with(docs: &[Doc]) -> SearchIndex {
    let i = SearchIndex::in_memory().unwrap();
    for x in docs {
        i.upsert(x).unwrap();
    }
    i.commit(7).unwrap();
    i
}

fn today() -> NaiveDate {
    d("2026-11-29")
}

fn ids(r: &Results) -> Vec<u128> {
    r.hits.iter().map(|h| h.record_id.as_u128()).collect()
}

fn sample() -> Vec<Doc> {
    vec![
        doc(
            1,
            "孙**",
            "当事人在安乡县深柳镇经营食品店，未将营业执照置于住所的醒目位置，经责令改正拒不改正。",
            "2026-11-02",
        ),
        doc(
            2,
            "安乡县鑫源食品有限公司",
            "当事人销售超过保质期的食品，货值金额三千二百元，违法所得八百元。",
            "2026-10-15",
        ),
        doc(3, "赵**", "当事人未取得食品经营许可从事食品经营活动。", "2026-09-01"),
    ]
}

#[test]
fn a_phrase_out_of_a_decision_finds_that_decision_and_marks_the_words() {
    let i = index_with(&sample());
    let r = i.search(&Query::new("营业执照置于醒目位置", today()).unwrap()).unwrap();
    assert_eq!(ids(&r), vec![1]);
    assert_eq!(r.total, 1);
    let marked: Vec<&str> = r.hits[0].fragment.iter().filter(|p| p.marked).map(|p| p.text.as_str()).collect();
    assert!(marked.contains(&"执照") && marked.contains(&"醒目"), "{marked:?}");
    let whole: String = r.hits[0].fragment.iter().map(|p| p.text.as_str()).collect();
    assert!(whole.contains("未将营业执照置于住所的醒目位置"), "{whole}");
}

#[test]
fn every_word_must_match_somewhere() {
    let i = index_with(&sample());
    // 食品 is in all three; 保质期 only in the second.
    assert_eq!(ids(&i.search(&Query::new("食品", today()).unwrap()).unwrap()).len(), 3);
    assert_eq!(ids(&i.search(&Query::new("食品 保质期", today()).unwrap()).unwrap()), vec![2]);
    assert!(i.search(&Query::new("保质期 营业执照", today()).unwrap()).unwrap().hits.is_empty());
    assert!(i.search(&Query::new("无照经营烟草", today()).unwrap()).unwrap().hits.is_empty());
}

#[test]
fn the_party_and_the_document_number_are_searched_too() {
    let i = index_with(&sample());
    assert_eq!(ids(&i.search(&Query::new("鑫源", today()).unwrap()).unwrap()), vec![2]);
    assert_eq!(ids(&i.search(&Query::new("〔2026〕3号", today()).unwrap()).unwrap()), vec![3]);
}

#[test]
fn filters_narrow_and_without_words_the_newest_come_first() {
    let mut docs = sample();
    docs[2].agency_id = Uuid::from_u128(9);
    docs[2].kind = "permit".into();
    docs[2].area = "津市市".into();
    let i = index_with(&docs);
    let all = i.search(&Query::new("", today()).unwrap()).unwrap();
    assert_eq!(ids(&all), vec![1, 2, 3], "newest decision first");
    assert!(all.hits.iter().all(|h| h.fragment.is_empty()));

    let mut q = Query::new("", today()).unwrap();
    q.agency = Some(agency());
    assert_eq!(ids(&i.search(&q).unwrap()), vec![1, 2]);
    let mut q = Query::new("食品", today()).unwrap();
    q.kind = Some("permit".into());
    assert_eq!(ids(&i.search(&q).unwrap()), vec![3]);
    let mut q = Query::new("", today()).unwrap();
    q.area = Some("安乡县".into());
    assert_eq!(ids(&i.search(&q).unwrap()), vec![1, 2]);
    let q = Query::new("", today()).unwrap().dates(Some(d("2026-10-01")), Some(d("2026-10-31"))).unwrap();
    assert_eq!(ids(&i.search(&q).unwrap()), vec![2]);
    let q = Query::new("", today()).unwrap().dates(Some(d("2026-11-02")), None).unwrap();
    assert_eq!(ids(&i.search(&q).unwrap()), vec![1], "the from day is included");
}

#[test]
fn a_publication_past_its_takedown_date_is_no_hit() {
    // rule: D-08
    let mut docs = sample();
    docs[0].takedown_on = d("2026-11-29");
    let i = index_with(&docs);
    assert_eq!(ids(&i.search(&Query::new("", today()).unwrap()).unwrap()), vec![2, 3]);
    assert_eq!(ids(&i.search(&Query::new("", d("2026-11-28")).unwrap()).unwrap()), vec![1, 2, 3]);
}

#[test]
fn upsert_replaces_remove_takes_out_and_the_position_is_remembered() {
    let i = index_with(&sample());
    assert_eq!(i.position().unwrap(), 7);
    let mut changed = sample()[0].clone();
    changed.facts = "当事人擅自改变食品经营场所。".into();
    i.upsert(&changed).unwrap();
    i.remove(Uuid::from_u128(2)).unwrap();
    i.commit(9).unwrap();
    assert_eq!(i.position().unwrap(), 9);
    assert_eq!(i.len(), 2);
    assert!(i.search(&Query::new("营业执照", today()).unwrap()).unwrap().hits.is_empty());
    assert_eq!(ids(&i.search(&Query::new("经营场所", today()).unwrap()).unwrap()), vec![1]);
    i.clear().unwrap();
    i.commit(10).unwrap();
    assert!(i.is_empty());
}

#[test]
fn paging_counts_every_hit() {
    let docs: Vec<Doc> =
        (1..=25).map(|n| doc(n, "某某公司", "当事人销售不合格食品。", &format!("2026-10-{:02}", n))).collect();
    let i = index_with(&docs);
    let q = Query::new("不合格食品", today()).unwrap().page(20, 10).unwrap();
    let r = i.search(&q).unwrap();
    assert_eq!(r.total, 25);
    assert_eq!(r.hits.len(), 5);
}

#[test]
fn bad_queries_say_what_to_fix() {
    let long = "食".repeat(MAX_QUERY_CHARS + 1);
    let e = Query::new(&long, today()).unwrap_err().to_string();
    assert!(e.contains("检索词过长"), "{e}");
    let e = Query::new("", today()).unwrap().dates(Some(d("2026-11-02")), Some(d("2026-11-01"))).unwrap_err();
    assert!(e.to_string().contains("起始日期"), "{e}");
    assert!(Query::new("", today()).unwrap().page(MAX_OFFSET + 1, 10).is_err());
    assert!(Query::new("", today()).unwrap().page(0, 0).is_err());
    assert!(Query::new("a\u{0}b", today()).is_err());
    // Only punctuation, or query-language characters, are no error and no hit.
    let i = index_with(&sample());
    for q in ["，。！", "\"", "*:?", "AND OR", "(食品"] {
        let r = i.search(&Query::new(q, today()).unwrap()).unwrap();
        assert!(r.total <= 3, "{q}");
    }
    assert_eq!(i.search(&Query::new("，。", today()).unwrap()).unwrap().total, 0);
}

#[test]
fn the_index_on_disk_survives_reopening_and_an_old_schema_is_rebuilt() {
    let dir = tempdir();
    {
        let i = SearchIndex::open(&dir).unwrap();
        for x in sample() {
            i.upsert(&x).unwrap();
        }
        i.commit(42).unwrap();
    }
    let i = SearchIndex::open(&dir).unwrap();
    assert_eq!(i.position().unwrap(), 42);
    assert_eq!(i.len(), 3);
    drop(i);
    // Another schema in the directory: derived data, so it is started afresh at 0.
    let mut b = Schema::builder();
    b.add_text_field("other", STRING);
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    Index::create_in_dir(&dir, b.build()).unwrap();
    let i = SearchIndex::open(&dir).unwrap();
    assert_eq!(i.position().unwrap(), 0);
    assert!(i.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempdir() -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("zhifa-search-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&p).unwrap();
    p
}
