//! Accounts, credentials, sessions and failed-login records.
//!
//! Accounts are event streams (`account:<id>`) projected into `accounts`; the password
//! hash lives only in `account_credentials`, written in the same transaction as the
//! account's event and never part of any event.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;
use zhifa_core::access::{Principal, Role};
use zhifa_core::events::{AccountEvent, Actor, stream};

use crate::events::{append_in, now_text};
use crate::{Append, Db, ExpectedVersion, Result, StoreError, q};

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<Uuid>,
    pub officer_id: Option<Uuid>,
    pub disabled: bool,
}

impl AccountRow {
    pub fn principal(&self) -> Principal {
        Principal {
            account_id: self.id,
            display_name: self.display_name.clone(),
            role: self.role,
            agency_id: self.agency_id,
        }
    }
}

/// What a new account is.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<Uuid>,
    pub officer_id: Option<Uuid>,
    pub password_hash: String,
}

const ACCOUNT_COLS: &str = "a.id, a.username, a.display_name, a.role, a.agency_id, a.officer_id, a.disabled";

fn account_row(row: &AnyRow) -> Result<AccountRow> {
    let corrupt = |c: &str, e: &dyn std::fmt::Display| StoreError::Corrupt(format!("accounts.{c}: {e}"));
    let id: String = row.try_get("id")?;
    let role: String = row.try_get("role")?;
    let opt = |c: &str| -> Result<Option<Uuid>> {
        let v: Option<String> = row.try_get(c)?;
        v.map(|s| s.parse().map_err(|e| corrupt(c, &e))).transpose()
    };
    Ok(AccountRow {
        id: id.parse().map_err(|e| corrupt("id", &e))?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        agency_id: opt("agency_id")?,
        officer_id: opt("officer_id")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

impl Db {
    /// Creates an account: its event and its credential, in one transaction.
    pub async fn create_account(&self, actor: &Actor, new: NewAccount) -> Result<Uuid> {
        let id = Uuid::new_v4();
        let event = AccountEvent::AccountCreated {
            account_id: id,
            username: new.username.trim().to_string(),
            display_name: new.display_name.trim().to_string(),
            role: new.role,
            agency_id: new.agency_id,
            officer_id: new.officer_id,
        };
        let mut tx = self.begin_write().await?;
        append_in(
            &mut tx,
            self.backend(),
            &self.ledger,
            actor,
            vec![Append::new(stream::account(id), ExpectedVersion::NoStream, vec![event.into()])],
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => StoreError::Duplicate(format!("用户名“{}”已被使用", new.username.trim())),
            other => other,
        })?;
        sqlx::query("INSERT INTO account_credentials (account_id, password_hash) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(&new.password_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces an account's password hash and records that it changed; ends its sessions.
    pub async fn set_password(&self, actor: &Actor, account: Uuid, password_hash: &str) -> Result<()> {
        let s = stream::account(account);
        let version = self.stream_version(&s).await?;
        let mut tx = self.begin_write().await?;
        append_in(
            &mut tx,
            self.backend(),
            &self.ledger,
            actor,
            vec![Append::new(s, ExpectedVersion::Exact(version), vec![AccountEvent::PasswordChanged.into()])],
        )
        .await?;
        sqlx::query("UPDATE account_credentials SET password_hash = $2 WHERE account_id = $1")
            .bind(account.to_string())
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1").bind(account.to_string()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An account and its password hash, by user name.
    pub async fn account_for_login(&self, username: &str) -> Result<Option<(AccountRow, String)>> {
        let row = q(format!(
            "SELECT {ACCOUNT_COLS}, c.password_hash FROM accounts a JOIN account_credentials c ON c.account_id = a.id \
             WHERE a.username = $1"
        ))
        .bind(username.trim())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| Ok((account_row(&r)?, r.try_get("password_hash")?))).transpose()
    }

    pub async fn account(&self, id: Uuid) -> Result<Option<AccountRow>> {
        let row = q(format!("SELECT {ACCOUNT_COLS} FROM accounts a WHERE a.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(account_row).transpose()
    }

    /// Accounts of an agency, or every account for `None`.
    pub async fn accounts(&self, agency: Option<Uuid>) -> Result<Vec<AccountRow>> {
        let rows = match agency {
            Some(a) => {
                q(format!("SELECT {ACCOUNT_COLS} FROM accounts a WHERE a.agency_id = $1 ORDER BY a.role, a.username"))
                    .bind(a.to_string())
                    .fetch_all(&self.read)
                    .await?
            }
            None => {
                q(format!("SELECT {ACCOUNT_COLS} FROM accounts a ORDER BY a.agency_id, a.role, a.username"))
                    .fetch_all(&self.read)
                    .await?
            }
        };
        rows.iter().map(account_row).collect()
    }

    /// Stores a new session (the token itself is never stored, only its hash).
    pub async fn create_session(
        &self,
        token_hash: &str,
        account: Uuid,
        csrf: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(account.to_string())
            .bind(csrf)
            .bind(now_text())
            .bind(expires_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// The live session's account and CSRF token.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(AccountRow, String)>> {
        let row = q(format!(
            "SELECT {ACCOUNT_COLS}, s.csrf_token FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled = 0"
        ))
        .bind(token_hash)
        .bind(now_text())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| Ok((account_row(&r)?, r.try_get("csrf_token")?))).transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.write).await?;
        Ok(())
    }

    /// Records a failed login for a throttling key (user name or client address).
    pub async fn record_login_failure(&self, key: &str) -> Result<()> {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now_text())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Failed logins for a key since a time.
    pub async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(since.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
            .fetch_one(&self.read)
            .await?
            .try_get(0)?)
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(&self.write).await?;
        Ok(())
    }
}
