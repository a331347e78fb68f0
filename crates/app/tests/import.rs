//! Imports through the service: all rows or none, with a row-by-row report.

use rust_xlsxwriter::Workbook;
use zhifa_app::App;
use zhifa_app::import_service::ImportFailure;
use zhifa_core::ids::CitizenId;
use zhifa_store::testing::TestDb;

fn id(seq: u32) -> String {
    let first17 = format!("43072119880601{seq:03}");
    format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()))
}

fn workbook(rows: &[[&str; 11]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "姓名",
        "身份证号码",
        "人员类别",
        "内设机构",
        "职务",
        "联系电话",
        "执法证号",
        "执法类别",
        "执法区域",
        "发证日期",
        "有效期至",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_officer_import_with_one_bad_row_stores_nothing() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    let admin = t.db.account_for_login("scj-admin").await.unwrap().unwrap().0.principal();
    let agency = admin.agency_id.unwrap();
    let before = t.db.officers(agency).await.unwrap().len();
    let (a, b, c) = (id(11), id(12), id(13));
    let good = [
        [
            "黄涛",
            a.as_str(),
            "执法人员",
            "综合行政执法大队",
            "队员",
            "13907360011",
            "IMP0001",
            "市场监管",
            "安乡县",
            "2025-01-01",
            "2028-01-01",
        ],
        ["林琳", b.as_str(), "执法辅助人员", "综合行政执法大队", "协管员", "", "", "", "", "", ""],
    ];
    let mut bad = good.to_vec();
    bad.push([
        "何平",
        c.as_str(),
        "执法人员",
        "不存在的科室",
        "",
        "",
        "IMP0003",
        "市场监管",
        "安乡县",
        "2025-01-01",
        "2028-01-01",
    ]);
    let err = app.import_officers(&admin, agency, "人员.xlsx", &workbook(&bad)).await.unwrap_err();
    let ImportFailure::Rows(rows) = err else { panic!("expected row errors") };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 4);
    assert!(rows[0].to_string().contains("不存在的科室"), "{}", rows[0]);
    assert_eq!(t.db.officers(agency).await.unwrap().len(), before, "nothing stored");
    assert!(t.db.certificate("IMP0001").await.unwrap().is_none());

    assert_eq!(app.import_officers(&admin, agency, "人员.xlsx", &workbook(&good)).await.unwrap(), 2);
    assert_eq!(t.db.officers(agency).await.unwrap().len(), before + 2);
    assert_eq!(t.db.certificate("IMP0001").await.unwrap().unwrap().officer_name, "黄涛");
    // The same file again: the people are registered already; nothing more is stored.
    let again = app.import_officers(&admin, agency, "人员.xlsx", &workbook(&good)).await.unwrap_err();
    assert!(
        matches!(again, ImportFailure::Rows(ref r) if r.len() == 2 && r.iter().all(|e| e.to_string().contains("请勿重复登记")))
    );
    assert_eq!(t.db.officers(agency).await.unwrap().len(), before + 2);
}

#[tokio::test]
async fn items_and_basis_import_from_csv() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    let admin = t.db.account_for_login("scj-admin").await.unwrap().unwrap().0.principal();
    let agency = admin.agency_id.unwrap();
    let items = "事项编码,事项名称,事项类别,实施依据,实施主体,办理流程\nAX-SC-101,对无证经营的行政处罚,行政处罚,《无证无照经营查处办法》第十三条,安乡县市场监督管理局,立案—调查—决定\n";
    assert_eq!(app.import_items(&admin, agency, "事项.csv", items.as_bytes()).await.unwrap(), 1);
    let dup = app.import_items(&admin, agency, "事项.csv", items.as_bytes()).await.unwrap_err();
    assert!(matches!(dup, ImportFailure::Rows(ref r) if r[0].row == 2));
    let basis = "法律依据,条文内容\n《无证无照经营查处办法》第十三条,从事无照经营的，由工商行政管理部门依照相关法律、行政法规予以处罚。\n";
    assert_eq!(app.import_basis(&admin, agency, "依据.csv", basis.as_bytes()).await.unwrap(), 1);
    assert!(t.db.basis_entries(agency).await.unwrap().iter().any(|b| b.citation.contains("无证无照经营查处办法")));
    let other = t.db.account_for_login("ltj-admin").await.unwrap().unwrap().0.principal();
    assert!(matches!(app.import_items(&other, agency, "事项.csv", items.as_bytes()).await, Err(ImportFailure::App(_))));
}
