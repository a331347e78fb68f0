//! Passwords (argon2id), sessions and the throttling of failed logins.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zhifa_core::Rejection;
use zhifa_core::access::{Principal, Role};
use zhifa_core::events::Actor;
use zhifa_store::accounts::{AccountRow, NewAccount};

use crate::{App, AppError, AppResult};

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Failed logins allowed per user name within the window before it is locked.
pub const MAX_FAILURES_PER_USER: i64 = 5;
/// Failed logins allowed per client address within the window.
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;
/// The throttling window in minutes.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// Why a login failed. The messages never tell which of user name or password was wrong.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("登录失败次数过多，请{0}分钟后再试")]
    Throttled(i64),
    #[error(transparent)]
    Internal(#[from] AppError),
}

/// A new session: the cookie token (secret) and the CSRF token for its forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub account: AccountRow,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashing").to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Checks a new password: at least 8 characters, letters and digits.
pub fn check_password_strength(password: &str) -> Result<(), Rejection> {
    let long = password.chars().count() >= 8;
    let letters = password.chars().any(|c| c.is_alphabetic());
    let digits = password.chars().any(|c| c.is_ascii_digit());
    if long && letters && digits {
        Ok(())
    } else {
        Err(Rejection::one("password", "密码至少8位，且须同时包含字母和数字"))
    }
}

/// A new account as typed by an administrator.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub agency_id: Option<uuid::Uuid>,
    pub officer_id: Option<uuid::Uuid>,
}

impl App {
    /// Logs in, throttling repeated failures per user name and per client.
    pub async fn login(&self, username: &str, password: &str, client: &str) -> Result<NewSession, LoginError> {
        let since = Utc::now() - Duration::minutes(FAILURE_WINDOW_MINUTES);
        let user_key = format!("user:{}", username.trim());
        let client_key = format!("client:{client}");
        let db = &self.db;
        let store = |e| LoginError::Internal(AppError::from(e));
        if db.login_failures_since(&user_key, since).await.map_err(store)? >= MAX_FAILURES_PER_USER
            || db.login_failures_since(&client_key, since).await.map_err(store)? >= MAX_FAILURES_PER_CLIENT
        {
            return Err(LoginError::Throttled(FAILURE_WINDOW_MINUTES));
        }
        let found = db.account_for_login(username).await.map_err(store)?;
        let ok = match &found {
            Some((account, hash)) => verify_password(password, hash) && !account.disabled,
            None => {
                // Spend the same time as a real check so user names cannot be probed.
                let _ = verify_password(password, &DUMMY_HASH);
                false
            }
        };
        let Some((account, _)) = found.filter(|_| ok) else {
            db.record_login_failure(&user_key).await.map_err(store)?;
            db.record_login_failure(&client_key).await.map_err(store)?;
            return Err(LoginError::BadCredentials);
        };
        db.clear_login_failures(&user_key).await.map_err(store)?;
        let token = random_token();
        let csrf = random_token();
        db.create_session(&token_hash(&token), account.id, &csrf, Utc::now() + Duration::hours(SESSION_HOURS))
            .await
            .map_err(store)?;
        Ok(NewSession { token, csrf, account })
    }

    /// The account and CSRF token of a live session.
    pub async fn session(&self, token: &str) -> AppResult<Option<(AccountRow, String)>> {
        Ok(self.db.session(&token_hash(token)).await?)
    }

    pub async fn logout(&self, token: &str) -> AppResult<()> {
        Ok(self.db.delete_session(&token_hash(token)).await?)
    }

    /// Creates an account. The platform administrator creates any; an agency's
    /// administrator creates accounts of its own agency only, never supervisors or
    /// platform administrators.
    pub async fn create_account(&self, by: &Principal, input: AccountInput) -> AppResult<uuid::Uuid> {
        if !by.is_platform_admin() {
            match input.agency_id {
                Some(a) => by.can_administer_agency(a)?,
                None => by.can_administer_platform()?,
            }
            if input.role == Role::Supervisor {
                by.can_administer_platform()?;
            }
        }
        let mut r = Rejection::new();
        let u = input.username.trim();
        if u.len() < 3
            || u.len() > 32
            || !u.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            r.add("username", "用户名为3至32位字母、数字、点、连字符或下划线");
        }
        r.require("display_name", "姓名", &input.display_name);
        if let Err(e) = check_password_strength(&input.password) {
            r.errors.extend(e.errors);
        }
        if input.agency_id.is_none() && input.role != Role::Administrator {
            r.add("agency_id", "除平台管理员外，账号必须属于一个执法机关");
        }
        if let Some(a) = input.agency_id
            && self.db.agency(a).await?.is_none()
        {
            r.add("agency_id", "所选执法机关不存在");
        }
        r.into_result()?;
        let id = self
            .db
            .create_account(
                &Actor::from(by),
                NewAccount {
                    username: u.to_string(),
                    display_name: input.display_name,
                    role: input.role,
                    agency_id: input.agency_id,
                    officer_id: input.officer_id,
                    password_hash: hash_password(&input.password),
                },
            )
            .await
            .map_err(|e| match e {
                zhifa_store::StoreError::Duplicate(m) => AppError::Rejected(Rejection::one("username", m)),
                other => other.into(),
            })?;
        Ok(id)
    }

    /// Asks an account for its password again before an act that is its own signature (the
    /// minutes of a collective discussion, L-09). Failures count against the login
    /// throttle of the user name.
    pub async fn reauthenticate(&self, by: &Principal, password: &str) -> AppResult<()> {
        let account = self.db.account(by.account_id).await?.ok_or(AppError::NotFound("账号"))?;
        let key = format!("user:{}", account.username);
        let since = Utc::now() - Duration::minutes(FAILURE_WINDOW_MINUTES);
        if self.db.login_failures_since(&key, since).await? >= MAX_FAILURES_PER_USER {
            return Err(
                Rejection::one("password", format!("密码错误次数过多，请{FAILURE_WINDOW_MINUTES}分钟后再试")).into()
            );
        }
        let ok = match self.db.account_for_login(&account.username).await? {
            Some((a, hash)) => !a.disabled && verify_password(password, &hash),
            None => false,
        };
        if !ok {
            self.db.record_login_failure(&key).await?;
            return Err(Rejection::one("password", "密码不正确：签名须由本人输入本账号的登录密码确认").into());
        }
        Ok(())
    }

    /// Creates the first platform administrator (from the CLI, acting as the system).
    pub async fn bootstrap_admin(&self, username: &str, password: &str) -> AppResult<uuid::Uuid> {
        check_password_strength(password)?;
        Ok(self
            .db
            .create_account(
                &Actor::system("初始化"),
                NewAccount {
                    username: username.trim().to_string(),
                    display_name: "平台管理员".into(),
                    role: Role::Administrator,
                    agency_id: None,
                    officer_id: None,
                    password_hash: hash_password(password),
                },
            )
            .await?)
    }
}

/// A hash checked against when the user does not exist, so both paths cost the same.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| hash_password("no such user"));
