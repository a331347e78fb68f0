use proptest::prelude::*;

use super::*;
use crate::ids::CitizenId;

/// A citizen ID with the correct check digit for these 17 digits.
fn citizen_id(first17: &str) -> String {
    format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()))
}

/// The same text with full-width digits and X (as typed with a Chinese input method).
fn full_width(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect()
}

fn person() -> Party {
    Party {
        kind: PartyKind::Person,
        name: "王小明".into(),
        id_number: citizen_id("43072119900101123"),
        address: "湖南省安乡县深柳镇书院路12号".into(),
        phone: "13812345678".into(),
        representative: String::new(),
        minor: false,
    }
}

fn shop() -> Party {
    Party {
        kind: PartyKind::Organisation,
        name: "安乡县鑫源食品有限公司".into(),
        id_number: "91430721MA4L12345X".into(),
        address: "湖南省安乡县深柳镇安康路88号".into(),
        phone: "0736-4321000".into(),
        representative: "欧阳娜娜".into(),
        minor: false,
    }
}

/// The text published for `party`.
fn published(text: &str, party: &Party) -> String {
    redact(text, &RedactionContext::for_party(party)).text
}

/// The text published when the context knows nobody.
fn anonymous(text: &str) -> String {
    redact(text, &RedactionContext::default()).text
}

// rule: D-07
#[test]
fn a_penalty_decision_paragraph_keeps_facts_and_loses_privacy() {
    let id = citizen_id("43072119900101123");
    let text = format!(
        "当事人王小明，男，身份证号码{id}，住址湖南省安乡县深柳镇书院路12号，联系电话13812345678。\
         经查，王小明于2026年10月8日销售过期食品，违法所得1200元。依据《中华人民共和国食品安全法》\
         第一百二十四条第一款，决定罚款15000元，限于收到本决定书之日起15日内缴至开户行中国农业银行\
         安乡县支行，账号6228480123456789012。安市监罚决〔2026〕12号"
    );
    let expected = "当事人王**，男，身份证号码［已删除：身份证号码］，住址［已删除：住址］，联系电话［已删除：电话号码］。\
         经查，王**于2026年10月8日销售过期食品，违法所得1200元。依据《中华人民共和国食品安全法》\
         第一百二十四条第一款，决定罚款15000元，限于收到本决定书之日起15日内缴至开户行中国农业银行\
         安乡县支行，账号［已删除：银行账号］。安市监罚决〔2026〕12号";
    assert_eq!(published(&text, &person()), expected);
}

// rule: D-07
#[test]
fn each_finding_says_what_was_removed_where_and_why() {
    let r = redact("王小明电话13812345678", &RedactionContext::for_party(&person()));
    let kinds: Vec<_> = r.removed.iter().map(|f| (f.kind, f.offset, f.original.as_str(), f.label())).collect();
    assert_eq!(
        kinds,
        [(FindingKind::PersonName, 0, "王小明", "自然人姓名"), (FindingKind::Phone, 5, "13812345678", "电话号码")]
    );
    assert_eq!(r.removed[0].replacement, "王**");
    assert_eq!(FindingKind::PersonName.reason(), "自然人姓名只显示姓氏");
    assert_eq!(FindingKind::BankAccount.reason(), "属于个人隐私，公开前删除");
}

// rule: D-07
#[test]
fn full_width_digits_are_found_like_ascii_ones() {
    let text =
        format!("身份证号码{}，手机{}。", full_width(&citizen_id("43072119900101123")), full_width("13912345678"));
    assert_eq!(anonymous(&text), "身份证号码［已删除：身份证号码］，手机［已删除：电话号码］。");
    // A full-width ID with a full-width X check character, with no label at all.
    assert_eq!(anonymous(&format!("见{}。", full_width("43072119900101123X"))), "见［已删除：身份证号码］。");
}

// rule: D-07
#[test]
fn amounts_dates_document_and_article_numbers_and_credit_codes_survive() {
    let text = "安市监罚决〔2026〕12号：当事人安乡县鑫源食品有限公司（统一社会信用代码91430721MA4L12345X）\
                于2026年11月29日被处罚款15000元、没收违法所得3,500.50元，依据《行政处罚法》第32条第1款，\
                抽检日期2026-11-02，样品编号2026110200012345，共计1500000元。";
    let r = redact(text, &RedactionContext::default());
    assert_eq!(r.text, text);
    assert!(r.removed.is_empty(), "nothing removed: {:?}", r.removed);
}

// rule: D-07
#[test]
fn a_digit_only_credit_code_is_kept_after_its_label_and_removed_after_an_id_label() {
    // Fails the ID's birth-date check, so only the label says what it is.
    let code = "914307211234567890";
    assert_eq!(anonymous(&format!("统一社会信用代码{code}，")), format!("统一社会信用代码{code}，"));
    assert_eq!(anonymous(&format!("身份证号码{code}，")), "身份证号码［已删除：身份证号码］，");
    // An ID with a wrong check digit is still removed after 身份证.
    assert_eq!(anonymous("身份证号430721199001011234，"), "身份证号［已删除：身份证号码］，");
    // A credit code the case publishes is kept even if it happens to pass the ID check.
    let digits_only = Party { id_number: citizen_id("43072119851230004"), ..shop() };
    let text = format!("统一社会信用代码{}", digits_only.id_number);
    assert_eq!(published(&text, &digits_only), text);
}

// rule: D-07
#[test]
fn names_keep_the_surname_and_compound_surnames_keep_both_characters() {
    let cases = [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("诸葛亮", "诸葛*"),
        ("上官婉儿", "上官**"),
        ("令狐冲", "令狐*"),
        ("司马", "司*"),
    ];
    for (name, masked) in cases {
        assert_eq!(mask_name(name), masked, "{name}");
    }
    let ctx = RedactionContext::default().with_person("端木蓉").with_person("东方明");
    assert_eq!(redact("证人端木蓉、东方明到场。", &ctx).text, "证人端木*、东方*到场。");
}

// rule: D-07
#[test]
fn every_occurrence_of_a_known_name_is_masked() {
    let text = "王小明称其不知情。经查，王小明明知……王小明的陈述不予采纳。";
    let r = redact(text, &RedactionContext::for_party(&person()));
    assert_eq!(r.text, "王**称其不知情。经查，王**明知……王**的陈述不予采纳。");
    assert_eq!(r.removed.len(), 3);
}

// rule: D-07
#[test]
fn names_already_masked_stay_as_they_are() {
    let ctx =
        RedactionContext::default().with_person("王某某").with_person("李某").with_person("张*").with_person("刘");
    let text = "当事人王某某、李某、张*，刘姓证人";
    let r = redact(text, &ctx);
    assert_eq!(r.text, text);
    assert!(r.removed.is_empty());
}

// rule: D-07
#[test]
fn an_organisation_is_published_by_name_and_address_but_its_representative_is_masked() {
    let text = "当事人：安乡县鑫源食品有限公司，统一社会信用代码：91430721MA4L12345X，住所：湖南省安乡县深柳镇安康路88号，\
                法定代表人：欧阳娜娜，经营场所：湖南省安乡县深柳镇安康路90号。欧阳娜娜在询问笔录上签字。";
    let expected = "当事人：安乡县鑫源食品有限公司，统一社会信用代码：91430721MA4L12345X，住所：湖南省安乡县深柳镇安康路88号，\
                法定代表人：欧阳**，经营场所：湖南省安乡县深柳镇安康路90号。欧阳**在询问笔录上签字。";
    assert_eq!(published(text, &shop()), expected);
}

// rule: D-07
#[test]
fn a_persons_name_inside_a_published_business_name_is_published_with_it() {
    let individual_business =
        Party { name: "安乡县张建国餐馆".into(), representative: "张建国".into(), ..shop() };
    let text = "安乡县张建国餐馆（经营者张建国）";
    assert_eq!(published(text, &individual_business), "安乡县张建国餐馆（经营者张**）");
}

// rule: D-07
#[test]
fn home_addresses_after_their_words_are_removed_up_to_the_punctuation() {
    let text = "家庭住址：湖南省安乡县黄山头镇岩屋村3组；户籍地湖南省常德市鼎城区；现住安乡县城关镇某小区5栋、\
                住所为安乡县深柳镇书院路1号\n下一行";
    let expected = "家庭住址：［已删除：住址］；户籍地［已删除：住址］；现住［已删除：住址］、\
                住所为［已删除：住址］\n下一行";
    assert_eq!(published(text, &person()), expected);
    // An address written without punctuation before the phone ends at the phone's label.
    assert_eq!(anonymous("住址安乡县深柳镇书院路12号电话13812345678"), "住址［已删除：住址］电话［已删除：电话号码］");
}

// rule: D-07
#[test]
fn an_organisations_residence_is_its_business_address_and_is_kept() {
    let text = "住所：湖南省安乡县深柳镇安康路88号，经营场所：安乡县深柳镇安康路90号。";
    assert_eq!(published(text, &shop()), text);
    // The same words for a natural person name a home.
    assert_eq!(published("住所：安乡县深柳镇安康路90号。", &person()), "住所：［已删除：住址］。");
}

// rule: D-07
#[test]
fn a_known_address_phone_or_id_is_removed_wherever_it_stands() {
    let text = "检查人员前往湖南省安乡县深柳镇书院路12号，发现……";
    assert_eq!(published(text, &person()), "检查人员前往［已删除：住址］，发现……");
    // A known phone number written without any label.
    assert_eq!(published("回访13812345678无人接听", &person()), "回访［已删除：电话号码］无人接听");
}

// rule: D-07
#[test]
fn mobile_numbers_in_their_usual_spellings_are_removed() {
    for phone in
        ["13812345678", "+86 138 1234 5678", "+8613812345678", "86-138-1234-5678", "138 1234 5678", "138-1234-5678"]
    {
        assert_eq!(anonymous(&format!("联系{phone}。")), "联系［已删除：电话号码］。", "{phone}");
    }
    // Two numbers side by side are two findings, not one long number.
    let r = redact("手机13812345678 15912345678", &RedactionContext::default());
    assert_eq!(r.text, "手机［已删除：电话号码］ ［已删除：电话号码］");
    assert_eq!(r.removed.len(), 2);
}

// rule: D-07
#[test]
fn landlines_with_area_code_parentheses_and_extensions_are_removed() {
    for phone in
        ["0736-4321000", "07364321000", "（0736）4321000", "(0736) 4321000", "0736-4321000-8001", "010-12345678转123"]
    {
        assert_eq!(anonymous(&format!("举报{phone}。")), "举报［已删除：电话号码］。", "{phone}");
    }
    // A local number without area code is a phone only after a phone label.
    assert_eq!(anonymous("电话：4321000。"), "电话：［已删除：电话号码］。");
    assert_eq!(anonymous("编码4321000。"), "编码4321000。");
}

// rule: D-07
#[test]
fn bank_accounts_are_removed_whole_and_not_mistaken_for_ids() {
    assert_eq!(
        anonymous("开户银行：中国建设银行安乡支行，账号：6217 0027 1234 5678 901。"),
        "开户银行：中国建设银行安乡支行，账号：［已删除：银行账号］。"
    );
    // Twenty digits after 账号 are one account, not an ID and two stray digits.
    let r = redact("账号43072119900101123400", &RedactionContext::default());
    assert_eq!(r.text, "账号［已删除：银行账号］");
    assert_eq!(r.removed[0].kind, FindingKind::BankAccount);
    // A card number with no label, split in fours.
    assert_eq!(anonymous("转入6222 0212 3456 7890。"), "转入［已删除：银行账号］。");
}

// rule: D-07
#[test]
fn old_fifteen_digit_ids_and_ids_glued_to_letters_are_removed() {
    assert_eq!(anonymous("原身份证430721900101123，"), "原身份证［已删除：身份证号码］，");
    assert_eq!(anonymous("公民身份号码430721900101123"), "公民身份号码［已删除：身份证号码］");
    let glued = format!("ID{}ABC", citizen_id("43072119851230004"));
    assert_eq!(anonymous(&glued), "ID［已删除：身份证号码］ABC");
    // Digits inside a plate or model number are no one's privacy.
    assert_eq!(anonymous("车牌湘J12345，型号KX1381234567"), "车牌湘J12345，型号KX1381234567");
}

// rule: D-07
#[test]
fn numbers_split_for_reading_or_glued_together_are_still_found() {
    assert_eq!(anonymous("身份证号码为430721 19900101 123X。"), "身份证号码为［已删除：身份证号码］。");
    assert_eq!(anonymous("联系方式：0736—4321000。"), "联系方式：［已删除：电话号码］。");
    // The X of an ID does not hide the mobile number written straight after it.
    assert_eq!(
        anonymous("身份证号码43072119900101123X13812345678"),
        "身份证号码［已删除：身份证号码］［已删除：电话号码］"
    );
    assert_eq!(
        anonymous("QQ号123456789，登记证号：430721000012345"),
        "QQ号［已删除：电话号码］，登记证号：430721000012345"
    );
}

// rule: D-07
#[test]
fn a_long_table_of_spaced_digits_is_read_in_bounded_time() {
    let table = "1 ".repeat(20_000);
    let r = redact(&table, &RedactionContext::default());
    assert_eq!(r.text, table);
}

// rule: D-07
#[test]
fn redacting_a_redacted_text_changes_nothing() {
    let text = format!(
        "当事人王小明，身份证号码{}，住址：湖南省安乡县深柳镇书院路12号，电话0736-4321000转8，账号6228480123456789012。",
        citizen_id("43072119900101123")
    );
    let ctx = RedactionContext::for_party(&person());
    let once = redact(&text, &ctx);
    assert_eq!(once.removed.len(), 5);
    let twice = redact(&once.text, &ctx);
    assert_eq!(twice.text, once.text);
    assert!(twice.removed.is_empty(), "{:?}", twice.removed);
}

/// Chinese prose without digits: ideographs, punctuation, spaces, and the labels that
/// change how numbers are read.
fn chinese_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[\u{4e00}-\u{9fa5}]{1,6}",
        Just("，".to_string()),
        Just("。".to_string()),
        Just(" ".to_string()),
        Just("统一社会信用代码".to_string()),
        Just("样品编号".to_string()),
        Just("罚款元".to_string()),
        Just("住所".to_string()),
        Just("账号".to_string()),
        Just("［已删除：住址］".to_string()),
    ];
    prop::collection::vec(piece, 0..20).prop_map(|v| v.concat())
}

fn any_citizen_id() -> impl Strategy<Value = String> {
    (110000u32..659999, 1900i32..2026, 0u32..365, 0u32..999).prop_map(|(region, y, doy, seq)| {
        let birth = chrono::NaiveDate::from_yo_opt(y, doy + 1).unwrap();
        citizen_id(&format!("{region:06}{}{seq:03}", birth.format("%Y%m%d")))
    })
}

/// Whether any 18 consecutive characters of `text` are a valid citizen ID.
fn holds_a_citizen_id(text: &str) -> bool {
    let norm: Vec<char> = text.chars().map(normalise).collect();
    norm.windows(18).any(|w| CitizenId::parse(&w.iter().collect::<String>()).is_ok())
}

proptest! {
    // rule: D-07
    #[test]
    fn no_valid_citizen_id_survives_wherever_it_is_inserted(
        text in chinese_text(), id in any_citizen_id(), at in any::<prop::sample::Index>(), wide in any::<bool>(),
        organisation in any::<bool>()
    ) {
        let chars: Vec<char> = text.chars().collect();
        let at = at.index(chars.len() + 1);
        let id = if wide { full_width(&id) } else { id };
        let input: String = chars[..at].iter().copied().chain(id.chars()).chain(chars[at..].iter().copied()).collect();
        prop_assert!(holds_a_citizen_id(&input));
        let party = if organisation { shop() } else { person() };
        let out = redact(&input, &RedactionContext::for_party(&party));
        prop_assert!(!holds_a_citizen_id(&out.text), "{} → {}", input, out.text);
    }

    // rule: D-07
    #[test]
    fn redaction_is_idempotent_on_any_text(
        text in chinese_text(), id in any_citizen_id(), phone in "1[3-9][0-9]{9}", at in any::<prop::sample::Index>()
    ) {
        let chars: Vec<char> = text.chars().collect();
        let at = at.index(chars.len() + 1);
        let input: String = chars[..at].iter().collect::<String>() + &id + "电话" + &phone + &chars[at..].iter().collect::<String>();
        let ctx = RedactionContext::for_party(&person());
        let once = redact(&input, &ctx);
        prop_assert_eq!(&redact(&once.text, &ctx).text, &once.text);
    }
}
