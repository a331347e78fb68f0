//! Agencies (执法主体), their units, enforcement-item lists and basis catalogues.
//!
//! An agency is an event stream (`agency:<id>`); [`Agency`] is the fold of its events and
//! the `decide_*` functions check a command against it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::basis::BasisEntry;
use crate::case::{AvRequirement, RecordKind};
use crate::ids::Uscc;
use crate::validation::Rejection;

/// The kinds of enforcement act (`ActKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    Permit,
    Penalty,
    Coercion,
    Levy,
    Inspection,
    Confirmation,
    Benefit,
    Other,
}

impl ActKind {
    pub const ALL: [ActKind; 8] = [
        ActKind::Permit,
        ActKind::Penalty,
        ActKind::Coercion,
        ActKind::Levy,
        ActKind::Inspection,
        ActKind::Confirmation,
        ActKind::Benefit,
        ActKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ActKind::Permit => "行政许可",
            ActKind::Penalty => "行政处罚",
            ActKind::Coercion => "行政强制",
            ActKind::Levy => "行政征收",
            ActKind::Inspection => "行政检查",
            ActKind::Confirmation => "行政确认",
            ActKind::Benefit => "行政给付",
            ActKind::Other => "其他行政行为",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActKind::Permit => "permit",
            ActKind::Penalty => "penalty",
            ActKind::Coercion => "coercion",
            ActKind::Levy => "levy",
            ActKind::Inspection => "inspection",
            ActKind::Confirmation => "confirmation",
            ActKind::Benefit => "benefit",
            ActKind::Other => "other",
        }
    }

    /// From the code or the Chinese label (as found in imported spreadsheets).
    pub fn parse(s: &str) -> Option<ActKind> {
        let s = s.trim();
        ActKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label() == s || k.label().trim_start_matches("行政") == s)
    }
}

/// Supervision channels published with the agency (监督渠道).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SupervisionContacts {
    pub unit: String,
    pub phone: String,
    pub address: String,
    pub postcode: String,
    pub email: String,
}

/// What an agency is: the subject information of D-01.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AgencyInfo {
    pub name: String,
    /// 简称 used in document numbers, e.g. 安市监.
    pub short_name: String,
    pub uscc: Option<String>,
    pub duties: String,
    pub jurisdiction: String,
    pub legal_representative: String,
    pub address: String,
    pub phone: String,
    pub supervision: SupervisionContacts,
    /// The judicial bureau (an agency) that supervises this one; None for the bureau itself.
    pub supervising_bureau: Option<Uuid>,
    /// Whether this agency is a judicial bureau (司法局).
    pub is_judicial_bureau: bool,
}

impl AgencyInfo {
    /// Validates the subject information; `uscc_confirmed` accepts a code whose check
    /// character fails (N-08).
    pub fn validate(&self, uscc_confirmed: bool) -> Result<(), Rejection> {
        let mut r = Rejection::new();
        r.require("name", "机关名称", &self.name);
        r.require("short_name", "机关简称（用于文书编号）", &self.short_name);
        r.require("duties", "法定职责", &self.duties);
        r.require("jurisdiction", "管辖区域", &self.jurisdiction);
        r.require("legal_representative", "法定代表人", &self.legal_representative);
        r.require("address", "办公地址", &self.address);
        if let Some(code) = self.uscc.as_deref().filter(|c| !c.trim().is_empty())
            && let Err(e) = Uscc::parse_confirmed(code, uscc_confirmed)
        {
            r.add("uscc", e.to_string());
        }
        let s = &self.supervision;
        if !s.email.trim().is_empty() && !s.email.contains('@') {
            r.add("supervision.email", "电子邮箱格式不正确");
        }
        let postcode = s.postcode.trim();
        let postcode_ok = postcode.is_empty() || (postcode.len() == 6 && postcode.bytes().all(|b| b.is_ascii_digit()));
        if !postcode_ok {
            r.add("supervision.postcode", "邮政编码应为6位数字");
        }
        r.into_result()
    }
}

/// A unit of an agency: a handling unit runs cases, the legal unit reviews (P-05: never
/// the same unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 承办机构
    Handling,
    /// 法制机构
    Legal,
}

impl UnitKind {
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Handling => "承办（执法）机构",
            UnitKind::Legal => "法制机构",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: Uuid,
    pub name: String,
    pub kind: UnitKind,
    pub duties: String,
}

/// An entry of the enforcement-item list (事项清单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnforcementItem {
    pub id: Uuid,
    /// The agency's own code for the item.
    pub code: String,
    pub name: String,
    pub kind: ActKind,
    /// Legal basis as cited (resolved against the basis catalogue by later rules).
    pub basis: String,
    /// 实施主体 / 承办机构
    pub competence: String,
    /// Procedure in brief.
    pub procedure: String,
}

impl EnforcementItem {
    pub fn validate(&self) -> Result<(), Rejection> {
        let mut r = Rejection::new();
        r.require("code", "事项编码", &self.code);
        r.require("name", "事项名称", &self.name);
        r.require("basis", "实施依据", &self.basis);
        r.require("competence", "实施主体", &self.competence);
        r.into_result()
    }
}

/// Events of an agency stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum AgencyEvent {
    AgencyRegistered {
        agency_id: Uuid,
        info: AgencyInfo,
        profile_id: String,
    },
    AgencyInfoChanged {
        info: AgencyInfo,
    },
    UnitAdded {
        unit: Unit,
    },
    ProfileBound {
        profile_id: String,
    },
    ItemListed {
        item: EnforcementItem,
    },
    BasisEntryAdded {
        entry: BasisEntry,
    },
    /// A line of the agency's AV-item list (音像记录事项清单, R-08), extending the acts
    /// for which the law already requires AV.
    AvItemListed {
        item: AvListItem,
    },
    /// A book of pre-numbered on-the-spot decision forms.
    FormBookIssued {
        book: FormBook,
    },
    /// The discretion benchmark of a violation type (B-01): new, or a revision that
    /// replaces the one with the same code.
    BenchmarkSet {
        benchmark: crate::discretion::Benchmark,
    },
    /// A line of the review catalogue (审核目录清单, L-01): what the agency counts as a
    /// major decision besides the rules' own grounds.
    ReviewCatalogueEntryListed {
        entry: crate::case::review::ReviewCatalogueEntry,
    },
    /// The pre-disclosure's approval and update tracking (D-02, D-03).
    Predisclosure {
        event: crate::disclosure::predisclosure::PredisclosureEvent,
    },
}

/// A line of the AV-item list: which act, at which stage and place, what to record, how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvListItem {
    pub id: Uuid,
    pub act: RecordKind,
    pub place: String,
    pub content: String,
    pub method: AvRequirement,
}

/// A book of pre-numbered forms: `prefix` followed by the numbers `first..=last`, zero
/// padded to `width` digits (e.g. 安市监简〔2026〕000001).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormBook {
    pub id: Uuid,
    pub prefix: String,
    pub first: u32,
    pub last: u32,
    pub width: u8,
    pub issued_on: chrono::NaiveDate,
    /// The officer who holds the book, if issued to one.
    pub holder: Option<Uuid>,
}

impl FormBook {
    pub fn number(&self, n: u32) -> String {
        format!("{}{:0width$}", self.prefix, n, width = usize::from(self.width))
    }

    /// Whether `number` is a form of this book.
    pub fn contains(&self, number: &str) -> bool {
        number
            .trim()
            .strip_prefix(self.prefix.as_str())
            .filter(|digits| digits.len() == usize::from(self.width) && digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<u32>().ok())
            .is_some_and(|n| (self.first..=self.last).contains(&n))
    }
}

/// The state of an agency: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Agency {
    pub id: Uuid,
    pub info: AgencyInfo,
    pub profile_id: String,
    pub units: Vec<Unit>,
    pub items: Vec<EnforcementItem>,
    pub basis: Vec<BasisEntry>,
    pub av_list: Vec<AvListItem>,
    pub form_books: Vec<FormBook>,
    /// The discretion benchmarks, one per violation type (B-01).
    pub benchmarks: Vec<crate::discretion::Benchmark>,
    /// The review catalogue (审核目录清单, L-01).
    pub review_catalogue: Vec<crate::case::review::ReviewCatalogueEntry>,
    /// The pre-disclosure's approvals and recorded changes (D-02, D-03).
    pub predisclosure: crate::disclosure::predisclosure::Predisclosure,
}

impl Agency {
    pub fn apply(&mut self, event: &AgencyEvent) {
        match event {
            AgencyEvent::AgencyRegistered { agency_id, info, profile_id } => {
                self.id = *agency_id;
                self.info = info.clone();
                self.profile_id = profile_id.clone();
            }
            AgencyEvent::AgencyInfoChanged { info } => self.info = info.clone(),
            AgencyEvent::UnitAdded { unit } => self.units.push(unit.clone()),
            AgencyEvent::ProfileBound { profile_id } => self.profile_id = profile_id.clone(),
            AgencyEvent::ItemListed { item } => self.items.push(item.clone()),
            AgencyEvent::BasisEntryAdded { entry } => self.basis.push(entry.clone()),
            AgencyEvent::AvItemListed { item } => self.av_list.push(item.clone()),
            AgencyEvent::FormBookIssued { book } => self.form_books.push(book.clone()),
            AgencyEvent::BenchmarkSet { benchmark } => {
                match self.benchmarks.iter_mut().find(|b| b.code == benchmark.code) {
                    Some(b) => *b = benchmark.clone(),
                    None => self.benchmarks.push(benchmark.clone()),
                }
            }
            AgencyEvent::ReviewCatalogueEntryListed { entry } => self.review_catalogue.push(entry.clone()),
            AgencyEvent::Predisclosure { event } => {
                let content = crate::disclosure::predisclosure::PublicContent::of(self);
                self.predisclosure.apply(event, content);
            }
        }
    }

    pub fn fold<'a>(events: impl IntoIterator<Item = &'a AgencyEvent>) -> Self {
        let mut a = Self::default();
        for e in events {
            a.apply(e);
        }
        a
    }

    pub fn unit(&self, id: Uuid) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    pub fn legal_unit(&self) -> Option<&Unit> {
        self.units.iter().find(|u| u.kind == UnitKind::Legal)
    }

    /// Adds a unit. An agency has one legal unit, and it is never a handling unit (P-05).
    pub fn decide_add_unit(&self, name: &str, kind: UnitKind, duties: &str) -> Result<AgencyEvent, Rejection> {
        let mut r = Rejection::new();
        r.require("name", "机构名称", name);
        if self.units.iter().any(|u| u.name == name.trim()) {
            r.add("name", format!("本机关已有名为“{}”的内设机构", name.trim()));
        }
        if kind == UnitKind::Legal && self.legal_unit().is_some() {
            r.add("kind", "本机关已设有法制机构；法制机构只能有一个，且不得同时作为承办机构");
        }
        r.into_result()?;
        Ok(AgencyEvent::UnitAdded {
            unit: Unit { id: Uuid::new_v4(), name: name.trim().to_string(), kind, duties: duties.trim().to_string() },
        })
    }

    /// Lists an enforcement item; its code is unique within the agency.
    pub fn decide_list_item(&self, item: EnforcementItem) -> Result<AgencyEvent, Rejection> {
        item.validate()?;
        if self.items.iter().any(|i| i.code == item.code) {
            return Err(Rejection::one("code", format!("事项编码“{}”已存在", item.code)));
        }
        Ok(AgencyEvent::ItemListed { item })
    }

    /// The AV requirements of the agency's list, by act.
    pub fn av_requirements(&self) -> crate::case::requirements::AvList {
        self.av_list.iter().map(|i| (i.act, i.method)).collect()
    }

    /// Adds a line to the AV-item list; the acts the law already covers need none.
    pub fn decide_list_av_item(&self, item: AvListItem) -> Result<AgencyEvent, Rejection> {
        let mut r = Rejection::new();
        if let Some(m) = item.act.mandatory_av() {
            r.add("act", format!("{}依法必须全程音像记录（{}），已在清单中", item.act.label(), m.label()));
        }
        if self.av_list.iter().any(|i| i.act == item.act) {
            r.add("act", format!("{}已在音像记录事项清单中", item.act.label()));
        }
        r.require("content", "记录内容", &item.content);
        r.into_result()?;
        Ok(AgencyEvent::AvItemListed { item })
    }

    /// Issues a book of pre-numbered forms; books never overlap.
    pub fn decide_issue_form_book(&self, book: FormBook) -> Result<AgencyEvent, Rejection> {
        let mut r = Rejection::new();
        r.require("prefix", "编号前缀", &book.prefix);
        if book.first == 0 || book.last < book.first {
            r.add("last", "终止号必须不小于起始号，且起始号从1开始");
        }
        if book.width == 0 || book.width > 10 || book.last.to_string().len() > usize::from(book.width) {
            r.add("width", "编号位数应在1至10之间，且足以容纳终止号");
        }
        if book.last.saturating_sub(book.first) >= 100_000 {
            r.add("last", "一次最多发放100000份");
        }
        for b in self.form_books.iter().filter(|b| b.prefix == book.prefix) {
            if book.first <= b.last && b.first <= book.last {
                r.add("first", format!("与已发放的{}至{}重叠", b.number(b.first), b.number(b.last)));
            }
        }
        r.into_result()?;
        Ok(AgencyEvent::FormBookIssued { book: FormBook { prefix: book.prefix.trim().to_string(), ..book } })
    }

    /// Whether a form number belongs to a book issued to this agency.
    pub fn form_book_of(&self, number: &str) -> Option<&FormBook> {
        self.form_books.iter().find(|b| b.contains(number))
    }

    /// Adds a basis entry; a position of a law is catalogued once.
    pub fn decide_add_basis(&self, entry: BasisEntry) -> Result<AgencyEvent, Rejection> {
        if entry.text.trim().is_empty() {
            return Err(Rejection::one("text", "请填写条文内容"));
        }
        if self.basis.iter().any(|b| b.citation == entry.citation) {
            return Err(Rejection::one("citation", format!("{}已在依据目录中", entry.citation)));
        }
        Ok(AgencyEvent::BasisEntryAdded { entry })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // rule: P-05
    #[test]
    fn the_legal_unit_is_one_and_separate() {
        let mut a = Agency::default();
        a.apply(&a.decide_add_unit("法制股", UnitKind::Legal, "").unwrap());
        a.apply(&a.decide_add_unit("执法大队", UnitKind::Handling, "").unwrap());
        let err = a.decide_add_unit("政策法规股", UnitKind::Legal, "").unwrap_err();
        assert!(err.message_for("kind").unwrap().contains("法制机构只能有一个"));
        assert!(a.decide_add_unit("执法大队", UnitKind::Handling, "").is_err());
        assert_eq!(a.legal_unit().unwrap().name, "法制股");
    }

    // rule: R-16
    #[test]
    fn form_books_never_overlap_and_know_their_numbers() {
        let mut a = Agency::default();
        let book = |first, last| FormBook {
            id: Uuid::new_v4(),
            prefix: "安市监简".into(),
            first,
            last,
            width: 6,
            issued_on: "2026-01-01".parse().unwrap(),
            holder: None,
        };
        a.apply(&a.decide_issue_form_book(book(1, 100)).unwrap());
        assert!(a.decide_issue_form_book(book(100, 200)).unwrap_err().to_string().contains("重叠"));
        a.apply(&a.decide_issue_form_book(book(101, 200)).unwrap());
        assert!(a.form_book_of("安市监简000150").is_some());
        assert!(a.form_book_of("安市监简000201").is_none());
        assert!(a.form_book_of("安市监简150").is_none());
        assert_eq!(a.form_books[0].number(7), "安市监简000007");
    }

    // rule: R-08
    #[test]
    fn the_av_list_extends_the_law_and_cannot_relist_mandatory_acts() {
        let mut a = Agency::default();
        let item = |act| AvListItem {
            id: Uuid::new_v4(),
            act,
            place: "办案场所".into(),
            content: "询问全过程".into(),
            method: AvRequirement::Video,
        };
        assert!(a.decide_list_av_item(item(RecordKind::SiteInspection)).is_err());
        a.apply(&a.decide_list_av_item(item(RecordKind::Inquiry)).unwrap());
        assert_eq!(a.av_requirements().get(&RecordKind::Inquiry), Some(&AvRequirement::Video));
    }

    #[test]
    fn act_kinds_parse_from_spreadsheet_labels() {
        assert_eq!(ActKind::parse("行政处罚"), Some(ActKind::Penalty));
        assert_eq!(ActKind::parse("检查"), Some(ActKind::Inspection));
        assert_eq!(ActKind::parse("permit"), Some(ActKind::Permit));
        assert_eq!(ActKind::parse("罚款"), None);
    }
}
