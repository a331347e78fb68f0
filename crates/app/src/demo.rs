//! The demo data set: the seed jurisdictions' agencies with their units, officers and
//! certificates (one revoked, one about to expire), enforcement items, basis entries, and
//! one account per role. Loaded by `zhifa demo` and `zhifa serve --demo`; idempotent.

use chrono::{Days, Local, NaiveDate};
use uuid::Uuid;
use zhifa_core::access::{Principal, Role};
use zhifa_core::ids::CitizenId;
use zhifa_core::personnel::{Certificate, LeaveReason, StaffKind};
use zhifa_core::registry::{ActKind, AgencyInfo, EnforcementItem, SupervisionContacts, UnitKind};

use crate::auth::AccountInput;
use crate::registry::OfficerInput;
use crate::{App, AppError, AppResult};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "zhifa2026";

/// A demo account, as printed for the user.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub agency: String,
}

struct AgencySeed {
    name: &'static str,
    short: &'static str,
    profile: &'static str,
    region: &'static str,
    jurisdiction: &'static str,
    duties: &'static str,
    address: &'static str,
    handling: &'static str,
    legal: &'static str,
    category: &'static str,
    key: &'static str,
    bureau: bool,
    people: &'static [(&'static str, StaffKind)],
    items: &'static [(&'static str, &'static str, ActKind, &'static str)],
    basis: &'static [(&'static str, &'static str)],
}

const SEEDS: &[AgencySeed] = &[
    AgencySeed {
        name: "安乡县司法局",
        short: "安司",
        profile: "anxiang",
        region: "430721",
        jurisdiction: "安乡县行政区域",
        duties: "负责全县行政执法协调监督工作，承担行政执法人员资格管理、重大执法决定法制审核指导等职责。",
        address: "湖南省常德市安乡县深柳镇安康路",
        handling: "行政执法协调监督股",
        legal: "法制审核股",
        category: "司法行政",
        key: "sfj",
        bureau: true,
        people: &[("周志强", StaffKind::Officer), ("刘芳", StaffKind::Officer), ("彭丽", StaffKind::LegalReviewer)],
        items: &[("AX-SF-001", "对律师事务所违法行为的行政处罚", ActKind::Penalty, "《中华人民共和国律师法》第五十条")],
        basis: &[(
            "《中华人民共和国律师法》第五十条",
            "律师事务所有下列违法行为之一的，由设区的市级或者直辖市的区人民政府司法行政部门视其情节给予警告、停业整顿一个月以上六个月以下的处罚……",
        )],
    },
    AgencySeed {
        name: "安乡县市场监督管理局",
        short: "安市监",
        profile: "anxiang",
        region: "430721",
        jurisdiction: "安乡县行政区域",
        duties: "负责全县市场综合监督管理，承担食品安全、特种设备安全、产品质量、价格等领域的行政执法。",
        address: "湖南省常德市安乡县深柳镇书院洲路",
        handling: "综合行政执法大队",
        legal: "法规股",
        category: "市场监管",
        key: "scj",
        bureau: false,
        people: &[
            ("李建国", StaffKind::Officer),
            ("张伟", StaffKind::Officer),
            ("王敏", StaffKind::Officer),
            ("陈晓东", StaffKind::Officer),
            ("杨帆", StaffKind::Auxiliary),
            ("赵静", StaffKind::LegalReviewer),
            ("孙磊", StaffKind::LegalReviewer),
        ],
        items: &[
            (
                "AX-SC-001",
                "对生产经营不符合食品安全标准的食品的行政处罚",
                ActKind::Penalty,
                "《中华人民共和国食品安全法》第一百二十四条",
            ),
            ("AX-SC-002", "食品经营许可", ActKind::Permit, "《中华人民共和国食品安全法》第三十五条"),
            (
                "AX-SC-003",
                "对食品生产经营者的监督检查",
                ActKind::Inspection,
                "《中华人民共和国食品安全法》第一百一十条",
            ),
            (
                "AX-SC-004",
                "查封、扣押不符合食品安全标准的食品",
                ActKind::Coercion,
                "《中华人民共和国食品安全法》第一百一十条第一款第（四）项",
            ),
        ],
        basis: &[
            (
                "《中华人民共和国食品安全法》第三十五条",
                "国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。",
            ),
            (
                "《中华人民共和国食品安全法》第三十四条",
                "禁止生产经营下列食品、食品添加剂、食品相关产品：……（十）标注虚假生产日期、保质期或者超过保质期的食品、食品添加剂；……",
            ),
            (
                "《中华人民共和国食品安全法》第一百一十条",
                "县级以上人民政府食品安全监督管理部门履行食品安全监督管理职责，有权采取下列措施……",
            ),
            (
                "《中华人民共和国食品安全法》第一百二十四条",
                "违反本法规定，有下列情形之一，尚不构成犯罪的，由县级以上人民政府食品安全监督管理部门没收违法所得……",
            ),
            (
                "《中华人民共和国行政处罚法》第五十一条",
                "违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的行政处罚的，可以当场作出行政处罚决定。",
            ),
            (
                "《中华人民共和国市场主体登记管理条例》第三十六条",
                "市场主体应当将营业执照置于住所或者主要经营场所的醒目位置。从事电子商务经营的市场主体应当在其首页显著位置持续公示营业执照信息或者其链接标识。",
            ),
            (
                "《中华人民共和国市场主体登记管理条例》第四十八条",
                "市场主体未依照本条例将营业执照置于住所或者主要经营场所醒目位置的，由登记机关责令改正；拒不改正的，处3万元以下的罚款。……",
            ),
        ],
    },
    AgencySeed {
        name: "莱州市统计局",
        short: "莱统",
        profile: "laizhou",
        region: "370683",
        jurisdiction: "莱州市行政区域",
        duties: "负责全市统计调查和统计执法检查，查处统计违法行为。",
        address: "山东省烟台市莱州市文化东街",
        handling: "统计执法监督科",
        legal: "法规科",
        category: "统计",
        key: "ltj",
        bureau: false,
        people: &[("高洪涛", StaffKind::Officer), ("曲丽华", StaffKind::Officer), ("姜文", StaffKind::LegalReviewer)],
        items: &[(
            "LZ-TJ-001",
            "对统计调查对象拒绝提供统计资料的行政处罚",
            ActKind::Penalty,
            "《中华人民共和国统计法》第四十一条",
        )],
        basis: &[
            (
                "《中华人民共和国统计法》第七条",
                "国家机关、企业事业单位和其他组织以及个体工商户和个人等统计调查对象，必须依照本法和国家有关规定，真实、准确、完整、及时地提供统计调查所需的资料，不得提供不真实或者不完整的统计资料，不得迟报、拒报统计资料。",
            ),
            (
                "《中华人民共和国统计法》第四十一条",
                "作为统计调查对象的国家机关、企业事业单位或者其他组织有下列行为之一的，由县级以上人民政府统计机构责令改正，给予警告，可以予以通报……",
            ),
        ],
    },
    AgencySeed {
        name: "丰城市城市管理局",
        short: "丰城管",
        profile: "fengcheng",
        region: "360981",
        jurisdiction: "丰城市城区",
        duties: "负责城市管理领域相对集中行政处罚权的实施，查处市容环境卫生、城市规划等违法行为。",
        address: "江西省宜春市丰城市剑邑大道",
        handling: "城市管理综合执法大队",
        legal: "法制科",
        category: "城市管理",
        key: "fcg",
        bureau: false,
        people: &[
            ("熊志华", StaffKind::Officer),
            ("万小林", StaffKind::Officer),
            ("胡婷", StaffKind::LegalReviewer),
            ("罗强", StaffKind::Auxiliary),
        ],
        items: &[("FC-CG-001", "对擅自占用城市道路的行政处罚", ActKind::Penalty, "《城市道路管理条例》第四十二条")],
        basis: &[(
            "《城市道路管理条例》第四十二条",
            "违反本条例第二十七条规定，或者有下列行为之一的，由市政工程行政主管部门或者其他有关部门责令限期改正，可以处以2万元以下的罚款……",
        )],
    },
    AgencySeed {
        name: "白山乡人民政府",
        short: "白山乡",
        profile: "baishan",
        region: "220322",
        jurisdiction: "白山乡行政区域",
        duties: "依法实施乡级行政执法事项，承担乡村规划建设、农村人居环境等领域的行政执法。",
        address: "吉林省四平市梨树县白山乡",
        handling: "综合行政执法办公室",
        legal: "司法所（法制审核）",
        category: "乡镇综合执法",
        key: "bsx",
        bureau: false,
        people: &[("于海军", StaffKind::Officer), ("孟庆丰", StaffKind::Officer), ("宋佳", StaffKind::LegalReviewer)],
        items: &[(
            "BS-ZH-001",
            "对在乡、村庄规划区内未依法取得乡村建设规划许可证进行建设的行政处罚",
            ActKind::Penalty,
            "《中华人民共和国城乡规划法》第六十五条",
        )],
        basis: &[(
            "《中华人民共和国城乡规划法》第六十五条",
            "在乡、村庄规划区内未依法取得乡村建设规划许可证或者未按照乡村建设规划许可证的规定进行建设的，由乡、镇人民政府责令停止建设、限期改正……",
        )],
    },
    AgencySeed {
        name: "陵川县民政局",
        short: "陵民",
        profile: "lingchuan",
        region: "140524",
        jurisdiction: "陵川县行政区域",
        duties: "负责社会组织登记管理、殡葬管理等领域的行政执法。",
        address: "山西省晋城市陵川县崇文镇",
        handling: "社会组织管理股",
        legal: "政策法规股",
        category: "民政",
        key: "lmz",
        bureau: false,
        people: &[("常建平", StaffKind::Officer), ("秦晓燕", StaffKind::Officer), ("郭勇", StaffKind::LegalReviewer)],
        items: &[(
            "LC-MZ-001",
            "对社会团体超出章程规定的宗旨和业务范围进行活动的行政处罚",
            ActKind::Penalty,
            "《社会团体登记管理条例》第三十条",
        )],
        basis: &[(
            "《社会团体登记管理条例》第三十条",
            "社会团体有下列情形之一的，由登记管理机关给予警告，责令改正，可以限期停止活动……",
        )],
    },
];

fn citizen_id(region: &str, birth: &str, seq: usize, female: bool) -> CitizenId {
    let last = (seq * 2 + usize::from(!female)) % 10;
    let first17 = format!("{region}{birth}{:02}{last}", seq % 100);
    let id = format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()));
    CitizenId::parse(&id).expect("demo id valid")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("demo date")
}

impl App {
    /// Loads the demo data set unless agencies already exist. Returns the demo accounts.
    pub async fn load_demo(&self) -> AppResult<Vec<DemoAccount>> {
        self.ensure_reference_data().await?;
        let admin = match self.db.account_for_login("admin").await? {
            Some((a, _)) => a.principal(),
            None => {
                let id = self.bootstrap_admin("admin", DEMO_PASSWORD).await?;
                Principal {
                    account_id: id,
                    display_name: "平台管理员".into(),
                    role: Role::Administrator,
                    agency_id: None,
                }
            }
        };
        let mut accounts =
            vec![DemoAccount { username: "admin".into(), role: Role::Administrator, agency: "（全平台）".into() }];
        if !self.db.agencies().await?.is_empty() {
            for a in self.db.accounts(None).await? {
                if a.username != "admin" {
                    let agency = match a.agency_id {
                        Some(id) => self.db.agency(id).await?.map(|r| r.info.name).unwrap_or_default(),
                        None => String::new(),
                    };
                    accounts.push(DemoAccount { username: a.username, role: a.role, agency });
                }
            }
            return Ok(accounts);
        }
        let today = Local::now().date_naive();
        let mut bureau: Option<Uuid> = None;
        for (i, seed) in SEEDS.iter().enumerate() {
            let info = AgencyInfo {
                name: seed.name.into(),
                short_name: seed.short.into(),
                uscc: None,
                duties: seed.duties.into(),
                jurisdiction: seed.jurisdiction.into(),
                legal_representative: seed.people[0].0.into(),
                address: seed.address.into(),
                phone: format!("0736-43{:05}", 10000 + i * 111),
                supervision: SupervisionContacts {
                    unit: if seed.bureau {
                        "常德市司法局".into()
                    } else {
                        "安乡县司法局行政执法协调监督股".into()
                    },
                    phone: "0736-4312345".into(),
                    address: "湖南省常德市安乡县深柳镇安康路".into(),
                    postcode: "415600".into(),
                    email: "axsfj_jd@example.cn".into(),
                },
                supervising_bureau: bureau,
                is_judicial_bureau: seed.bureau,
            };
            let agency = self.register_agency(&admin, info, seed.profile, false).await?;
            if seed.bureau {
                bureau = Some(agency);
            }
            let handling =
                self.add_unit(&admin, agency, seed.handling, UnitKind::Handling, "承办本机关行政执法案件").await?;
            let legal = self.add_unit(&admin, agency, seed.legal, UnitKind::Legal, "负责重大执法决定法制审核").await?;
            let mut officers = Vec::new();
            for (n, (name, kind)) in seed.people.iter().enumerate() {
                let female = matches!(name.chars().last(), Some('芳' | '丽' | '敏' | '静' | '婷' | '佳' | '燕' | '华'));
                let birth = format!("19{}{:02}{:02}", 75 + (n * 3) % 20, 1 + n % 12, 3 + n * 2);
                let certificate = (*kind != StaffKind::Auxiliary).then(|| Certificate {
                    number: format!("{}{}{:04}", seed.region, 2023 + n % 2, 101 + i * 10 + n),
                    category: seed.category.into(),
                    scope: seed.jurisdiction.into(),
                    issued_on: date("2023-03-01"),
                    expires_on: if i == 1 && n == 2 {
                        today.checked_add_days(Days::new(20)).expect("date")
                    } else {
                        date("2028-02-29")
                    },
                    revoked: None,
                });
                let id = self
                    .register_officer(
                        &admin,
                        OfficerInput {
                            agency_id: agency,
                            unit_id: if *kind == StaffKind::LegalReviewer { legal } else { handling },
                            name: (*name).into(),
                            citizen_id: citizen_id(seed.region, &birth, n + 1, female),
                            kind: *kind,
                            position: match kind {
                                StaffKind::Officer if n == 0 => "队长".into(),
                                StaffKind::Officer => "执法队员".into(),
                                StaffKind::Auxiliary => "协管员".into(),
                                StaffKind::LegalReviewer => "法制审核员".into(),
                            },
                            phone: format!("139{:08}", 73_000_000 + i * 1000 + n),
                            certificate,
                        },
                    )
                    .await?;
                officers.push((id, *kind));
            }
            // One officer of the market regulator was transferred: certificate revoked.
            if i == 1 {
                self.officer_leaves(
                    &admin,
                    officers[3].0,
                    date("2025-09-01"),
                    LeaveReason::Transfer,
                    "调往县应急管理局",
                )
                .await?;
            }
            for (code, name, kind, basis) in seed.items {
                let item = EnforcementItem {
                    id: Uuid::new_v4(),
                    code: (*code).into(),
                    name: (*name).into(),
                    kind: *kind,
                    basis: (*basis).into(),
                    competence: seed.name.into(),
                    procedure: "立案—调查取证—审查决定—送达—执行—结案归档".into(),
                };
                self.list_item(&admin, agency, item).await?;
            }
            for (citation, text) in seed.basis {
                self.add_basis(&admin, agency, citation, text).await?;
            }
            self.load_demo_benchmarks(&admin, agency, seed.key).await?;
            let roles: &[(Role, &str, &str)] = if seed.bureau {
                &[
                    (Role::Supervisor, "jd", "执法监督员"),
                    (Role::Administrator, "admin", "机关管理员"),
                    // Reviews decisions taken in the name of the county government (L-10).
                    (Role::LegalReviewer, "fzsh", "法制审核员"),
                    (Role::Head, "head", "负责人"),
                ]
            } else {
                &[
                    (Role::Administrator, "admin", "机关管理员"),
                    (Role::Head, "head", "负责人"),
                    // A second head: the heads decide collectively (L-09).
                    (Role::Head, "head2", "副局长"),
                    (Role::LegalReviewer, "fzsh", "法制审核员"),
                    (Role::Officer, "zf", "执法人员"),
                    // A second officer, so that an approval chain has a reviewer other than
                    // the handler and the head.
                    (Role::Officer, "zfb", "执法人员乙"),
                    (Role::Auxiliary, "fj", "执法辅助人员"),
                ]
            };
            for (role, suffix, label) in roles {
                let person = match role {
                    Role::LegalReviewer => officers.iter().find(|o| o.1 == StaffKind::LegalReviewer),
                    Role::Officer if *suffix == "zfb" => officers.iter().filter(|o| o.1 == StaffKind::Officer).nth(1),
                    Role::Officer => officers.iter().find(|o| o.1 == StaffKind::Officer),
                    Role::Auxiliary => officers.iter().find(|o| o.1 == StaffKind::Auxiliary),
                    _ => None,
                };
                if *role == Role::Auxiliary && person.is_none() {
                    continue;
                }
                let username = format!("{}-{suffix}", seed.key);
                self.create_account(
                    &admin,
                    AccountInput {
                        username: username.clone(),
                        display_name: format!("{}{}", seed.short, label),
                        password: DEMO_PASSWORD.into(),
                        role: *role,
                        agency_id: Some(agency),
                        officer_id: person.map(|p| p.0),
                    },
                )
                .await?;
                accounts.push(DemoAccount { username, role: *role, agency: seed.name.into() });
            }
        }
        self.load_demo_cases().await?;
        self.load_demo_review().await?;
        self.load_demo_hearing().await?;
        self.approve_demo_predisclosure(&admin).await?;
        Ok(accounts)
    }

    /// Each agency's pre-disclosure, as the demo left it, submitted by the platform
    /// administrator and approved by the agency's legal reviewer (D-03), so that the
    /// portal shows it.
    async fn approve_demo_predisclosure(&self, admin: &Principal) -> AppResult<()> {
        let agencies = self.db.agencies().await?;
        for seed in SEEDS {
            let Some(agency) = agencies.iter().find(|a| a.info.name == seed.name) else { continue };
            let summary = "首次公开：主体信息、内设机构、执法事项清单、音像记录事项清单和裁量基准";
            self.submit_predisclosure(admin, agency.id, summary, None).await?;
            let username = format!("{}-fzsh", seed.key);
            let (reviewer, _) =
                self.db.account_for_login(&username).await?.ok_or(AppError::NotFound("演示法制审核员账号"))?;
            self.approve_predisclosure(&reviewer.principal(), agency.id, "经审核，内容合法、准确、完整，同意公开")
                .await?;
        }
        Ok(())
    }
}
