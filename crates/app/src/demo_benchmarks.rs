//! The demo agencies' discretion benchmarks (B-01), modelled on published 市场监管 and
//! 统计 benchmarks. Their citations are in the demo basis catalogue (`demo.rs`).

use uuid::Uuid;
use zhifa_core::access::Principal;
use zhifa_core::discretion::{BenchmarkText, TierText};

use crate::{App, AppResult};

/// (code, name, violation basis, penalty basis, tiers: (name, circumstances, penalties,
/// fine min, fine max)).
type Seed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str, &'static str, &'static str)],
);

/// 安乡县市场监督管理局.
const MARKET: &[Seed] = &[
    (
        "AX-SC-CF-001",
        "销售超过保质期的食品",
        "《中华人民共和国食品安全法》第三十四条第（十）项",
        "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
        &[
            (
                "轻微",
                "初次违法，货值金额不足五百元，及时下架召回、未造成危害后果的（《中华人民共和国行政处罚法》第三十三条）",
                "不予行政处罚",
                "",
                "",
            ),
            ("一般", "货值金额不足一万元，无从重情节的", "没收违法所得、没收非法财物、罚款", "5万元", "7万元"),
            (
                "较重",
                "货值金额不足一万元，经责令后仍不下架、销毁，或者一年内再次违法的",
                "没收违法所得、没收非法财物、罚款",
                "7万元",
                "10万元",
            ),
            (
                "严重",
                "货值金额一万元以上的",
                "没收违法所得、没收非法财物、罚款、吊销许可证件",
                "货值金额10倍",
                "货值金额20倍",
            ),
        ],
    ),
    (
        "AX-SC-DJ-001",
        "未将营业执照置于住所或者主要经营场所醒目位置",
        "《中华人民共和国市场主体登记管理条例》第三十六条",
        "《中华人民共和国市场主体登记管理条例》第四十八条第一款",
        &[
            ("轻微", "经责令改正，在期限内改正的", "不予行政处罚", "", ""),
            ("一般", "拒不改正，属个体工商户或者经营场所较小的", "罚款", "", "1万元"),
            ("较重", "拒不改正，经营规模较大的", "罚款", "1万元", "2万元"),
            ("严重", "拒不改正，且隐瞒真实身份或者造成不良社会影响的", "罚款", "2万元", "3万元"),
        ],
    ),
];

/// 莱州市统计局.
const STATISTICS: &[Seed] = &[(
    "LZ-TJ-CF-001",
    "拒绝提供统计资料或者经催报后仍未按时提供统计资料",
    "《中华人民共和国统计法》第七条",
    "《中华人民共和国统计法》第四十一条第一款第（一）项；《中华人民共和国统计法》第四十一条第二款",
    &[
        ("一般", "经催报后迟报，未影响统计数据质量的", "警告、通报批评", "", ""),
        ("较重", "拒绝提供统计资料，或者迟报影响统计数据质量的", "警告、通报批评、罚款", "", "5万元"),
        ("严重", "拒绝提供统计资料且造成统计数据严重失实或者恶劣影响的", "警告、通报批评、罚款", "5万元", "20万元"),
    ],
)];

impl App {
    /// Sets the demo benchmarks of the agency with the demo key `key` (`scj`, `ltj`).
    pub(crate) async fn load_demo_benchmarks(&self, admin: &Principal, agency: Uuid, key: &str) -> AppResult<()> {
        let seeds = match key {
            "scj" => MARKET,
            "ltj" => STATISTICS,
            _ => return Ok(()),
        };
        for (code, name, violation_basis, penalty_basis, tiers) in seeds {
            let text = BenchmarkText {
                code: (*code).into(),
                name: (*name).into(),
                violation_basis: (*violation_basis).into(),
                penalty_basis: (*penalty_basis).into(),
                tiers: tiers
                    .iter()
                    .map(|(name, circumstances, penalties, min, max)| TierText {
                        name: (*name).into(),
                        circumstances: (*circumstances).into(),
                        penalties: (*penalties).into(),
                        fine_min: (*min).into(),
                        fine_max: (*max).into(),
                    })
                    .collect(),
            };
            self.set_benchmark(admin, agency, &text, false).await?;
        }
        Ok(())
    }
}
