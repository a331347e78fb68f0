//! Application services against a real database.

use chrono::NaiveDate;
use zhifa_app::App;
use zhifa_core::access::Role;
use zhifa_core::personnel::StaffKind;
use zhifa_store::testing::TestDb;

async fn app() -> (TestDb, App) {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    (t, app)
}

#[tokio::test]
async fn demo_loads_every_seed_agency_and_is_idempotent() {
    let (_t, app) = app().await;
    let accounts = app.load_demo().await.unwrap();
    assert!(accounts.iter().any(|a| a.role == Role::Supervisor));
    let names: Vec<_> = app.db.agencies().await.unwrap().into_iter().map(|a| a.info.name).collect();
    for n in
        ["安乡县司法局", "安乡县市场监督管理局", "莱州市统计局", "丰城市城市管理局", "白山乡人民政府", "陵川县民政局"]
    {
        assert!(names.iter().any(|x| x == n), "{n} missing");
    }
    let again = app.load_demo().await.unwrap();
    assert_eq!(again.len(), accounts.len());
    assert_eq!(app.db.agencies().await.unwrap().len(), names.len());
}

// rule: P-04
#[tokio::test]
async fn the_demo_has_a_revoked_and_an_expiring_certificate() {
    let (_t, app) = app().await;
    app.load_demo().await.unwrap();
    let scj = app.db.agencies().await.unwrap().into_iter().find(|a| a.info.name == "安乡县市场监督管理局").unwrap();
    let certs = app.db.certificates_of_agency(scj.id).await.unwrap();
    let revoked: Vec<_> = certs.iter().filter(|c| c.revoked_on.is_some()).collect();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].revoked_on, Some(NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()));
    let officer = app.db.officer(revoked[0].officer_id).await.unwrap().unwrap();
    assert_eq!(officer.left_on, revoked[0].revoked_on, "leaving the post revoked it from that date");
    let soon = chrono::Local::now().date_naive() + chrono::Days::new(30);
    assert!(certs.iter().any(|c| c.revoked_on.is_none() && c.expires_on <= soon));
    let officers = app.db.officers(scj.id).await.unwrap();
    assert!(officers.iter().any(|o| o.kind == StaffKind::Auxiliary));
}

#[tokio::test]
async fn login_is_throttled_after_repeated_failures() {
    let (_t, app) = app().await;
    app.bootstrap_admin("root-admin", "secret2026x").await.unwrap();
    for _ in 0..zhifa_app::auth::MAX_FAILURES_PER_USER {
        let e = app.login("root-admin", "wrong-password1", "10.0.0.1").await.unwrap_err();
        assert_eq!(e.to_string(), "用户名或密码错误");
    }
    // Now even the right password is refused for a while.
    let e = app.login("root-admin", "secret2026x", "10.0.0.2").await.unwrap_err();
    assert!(e.to_string().contains("分钟后再试"), "{e}");
    let other = app.bootstrap_admin("second", "secret2026y").await;
    assert!(other.is_ok());
    let s = app.login("second", "secret2026y", "10.0.0.3").await.unwrap();
    assert_eq!(app.session(&s.token).await.unwrap().unwrap().0.username, "second");
    app.logout(&s.token).await.unwrap();
    assert!(app.session(&s.token).await.unwrap().is_none());
}

// rule: X-02
#[tokio::test]
async fn an_administrator_loads_a_new_calendar_year_without_a_rebuild() {
    let (_t, app) = app().await;
    app.load_demo().await.unwrap();
    let admin = app.db.account_for_login("admin").await.unwrap().unwrap().0.principal();
    let d = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    assert!(app.db.work_calendar().await.unwrap().is_working_day(d).is_err(), "2027 not loaded yet");
    let text = "year = 2027\nsource = \"国务院办公厅关于2027年部分节假日安排的通知\"\n[[holidays]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\nto = \"2027-01-03\"\n";
    // A malformed file is refused whole and nothing is stored.
    let bad = text.replace("2027-01-03", "2027-13-03");
    assert!(app.load_calendar_year(Some(&admin), &bad).await.is_err());
    assert!(app.db.work_calendar().await.unwrap().is_working_day(d).is_err());
    // An agency-bound account may not load calendars.
    let scj = app.db.account_for_login("scj-admin").await.unwrap().unwrap().0.principal();
    assert!(app.load_calendar_year(Some(&scj), text).await.is_err());
    app.load_calendar_year(Some(&admin), text).await.unwrap();
    let cal = app.db.work_calendar().await.unwrap();
    assert!(!cal.is_working_day(d).unwrap());
    assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()).unwrap());
}

// rule: X-03
#[tokio::test]
async fn a_new_profile_version_needs_the_next_number_and_keeps_the_old_ones() {
    let (_t, app) = app().await;
    app.load_demo().await.unwrap();
    let admin = app.db.account_for_login("admin").await.unwrap().unwrap().0.principal();
    let v1 = app.db.profile_versions("baishan").await.unwrap().pop().unwrap();
    let mut v2 = v1.clone();
    v2.version = 3;
    v2.effective_from = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let err = app.publish_profile(&admin, &v2.to_toml()).await.unwrap_err();
    assert!(err.to_string().contains("版本号应为2"), "{err}");
    v2.version = 2;
    v2.params.review_wd = zhifa_core::WorkingDays(6);
    app.publish_profile(&admin, &v2.to_toml()).await.unwrap();
    let versions = app.db.profile_versions("baishan").await.unwrap();
    assert_eq!(versions.len(), 2);
    let on = |d| zhifa_core::profile::version_in_force(&versions, d).unwrap().reference().to_string();
    assert_eq!(on(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()), "baishan@v1");
    assert_eq!(on(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()), "baishan@v2");
    let scj = app.db.account_for_login("scj-admin").await.unwrap().unwrap().0.principal();
    assert!(app.publish_profile(&scj, &v2.to_toml()).await.is_err(), "only the platform administrator");
}
