//! Services over agencies, units, officers, certificates, items and the basis catalogue.

use chrono::NaiveDate;
use uuid::Uuid;
use zhifa_core::Rejection;
use zhifa_core::access::Principal;
use zhifa_core::basis::{BasisEntry, Citation};
use zhifa_core::events::{Actor, DomainEvent, stream};
use zhifa_core::ids::CitizenId;
use zhifa_core::personnel::{Certificate, LeaveReason, Officer, OfficerEvent, OfficerProfile, StaffKind};
use zhifa_core::registry::{AgencyEvent, AgencyInfo, EnforcementItem, UnitKind};
use zhifa_store::queries::{AgencyRow, CertificateRow, OfficerRow};
use zhifa_store::{Append, ExpectedVersion};

use crate::{App, AppError, AppResult};

/// A person as typed in the officer form, with an optional first certificate.
#[derive(Debug, Clone)]
pub struct OfficerInput {
    pub agency_id: Uuid,
    pub unit_id: Uuid,
    pub name: String,
    pub citizen_id: CitizenId,
    pub kind: StaffKind,
    pub position: String,
    pub phone: String,
    pub certificate: Option<Certificate>,
}

impl App {
    /// Registers an agency (执法主体); the platform administrator's task.
    pub async fn register_agency(
        &self,
        by: &Principal,
        info: AgencyInfo,
        profile_id: &str,
        uscc_confirmed: bool,
    ) -> AppResult<Uuid> {
        by.can_administer_platform()?;
        let mut r = match info.validate(uscc_confirmed) {
            Ok(()) => Rejection::new(),
            Err(r) => r,
        };
        if self.db.profile_versions(profile_id).await?.is_empty() {
            r.add("profile_id", format!("策略配置“{profile_id}”不存在"));
        }
        if let Some(b) = info.supervising_bureau
            && !self.db.agency(b).await?.is_some_and(|a| a.info.is_judicial_bureau)
        {
            r.add("supervising_bureau", "监督机关必须是已登记的司法局");
        }
        if self.db.agencies().await?.iter().any(|a| a.info.name == info.name.trim()) {
            r.add("name", format!("“{}”已登记", info.name.trim()));
        }
        r.into_result()?;
        let id = Uuid::new_v4();
        let event = AgencyEvent::AgencyRegistered { agency_id: id, info, profile_id: profile_id.to_string() };
        self.db.append_to(&Actor::from(by), &stream::agency(id), ExpectedVersion::NoStream, vec![event.into()]).await?;
        Ok(id)
    }

    /// Changes an agency's subject information (its own administrator or the platform
    /// administrator); whether it is a judicial bureau is set at registration only.
    pub async fn update_agency(
        &self,
        by: &Principal,
        agency: Uuid,
        info: AgencyInfo,
        uscc_confirmed: bool,
    ) -> AppResult<()> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        info.validate(uscc_confirmed)?;
        if self.db.agencies().await?.iter().any(|a| a.id != agency && a.info.name == info.name.trim()) {
            return Err(Rejection::one("name", format!("“{}”已登记", info.name.trim())).into());
        }
        let info = AgencyInfo { is_judicial_bureau: state.info.is_judicial_bureau, ..info };
        let event = AgencyEvent::AgencyInfoChanged { info };
        self.db.append_to(&Actor::from(by), &stream::agency(agency), version, vec![event.into()]).await?;
        Ok(())
    }

    /// Binds an agency to another policy profile.
    pub async fn bind_profile(&self, by: &Principal, agency: Uuid, profile_id: &str) -> AppResult<()> {
        by.can_administer_platform()?;
        let (_, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        if self.db.profile_versions(profile_id).await?.is_empty() {
            return Err(Rejection::one("profile_id", format!("策略配置“{profile_id}”不存在")).into());
        }
        let event = AgencyEvent::ProfileBound { profile_id: profile_id.to_string() };
        self.db.append_to(&Actor::from(by), &stream::agency(agency), version, vec![event.into()]).await?;
        Ok(())
    }

    /// An agency the principal may read.
    pub async fn agency_for(&self, by: &Principal, agency: Uuid) -> AppResult<AgencyRow> {
        by.can_read_agency(agency)?;
        self.db.agency(agency).await?.ok_or(AppError::NotFound("执法机关"))
    }

    /// The agencies the principal may read.
    pub async fn agencies_for(&self, by: &Principal) -> AppResult<Vec<AgencyRow>> {
        Ok(self.db.agencies().await?.into_iter().filter(|a| by.can_read_agency(a.id).is_ok()).collect())
    }

    pub async fn add_unit(
        &self,
        by: &Principal,
        agency: Uuid,
        name: &str,
        kind: UnitKind,
        duties: &str,
    ) -> AppResult<Uuid> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let event = state.decide_add_unit(name, kind, duties)?;
        let AgencyEvent::UnitAdded { unit } = &event else { unreachable!("decide_add_unit adds a unit") };
        let id = unit.id;
        self.db.append_to(&Actor::from(by), &stream::agency(agency), version, vec![event.into()]).await?;
        Ok(id)
    }

    /// Registers a person and, if given, their first certificate, in one append.
    pub async fn register_officer(&self, by: &Principal, input: OfficerInput) -> AppResult<Uuid> {
        by.can_administer_agency(input.agency_id)?;
        let (agency, _) = self.db.load_agency(input.agency_id).await?.ok_or(AppError::NotFound("执法机关"))?;
        let events = self.officer_events(&agency, input).await?;
        let OfficerEvent::OfficerRegistered { officer_id, .. } = &events[0] else {
            unreachable!("first event registers")
        };
        let id = *officer_id;
        let events = events.into_iter().map(DomainEvent::from).collect();
        self.db.append_to(&Actor::from(by), &stream::officer(id), ExpectedVersion::NoStream, events).await?;
        Ok(id)
    }

    /// The events that register one person (shared by the form and the import).
    pub(crate) async fn officer_events(
        &self,
        agency: &zhifa_core::registry::Agency,
        input: OfficerInput,
    ) -> AppResult<Vec<OfficerEvent>> {
        let profile = OfficerProfile {
            agency_id: input.agency_id,
            unit_id: input.unit_id,
            name: input.name.trim().to_string(),
            citizen_id: input.citizen_id,
            kind: input.kind,
            position: input.position.trim().to_string(),
            phone: input.phone.trim().to_string(),
        };
        if let Some(existing) =
            self.db.officer_in_post_by_citizen_id(input.agency_id, profile.citizen_id.as_str()).await?
        {
            return Err(Rejection::one(
                "citizen_id",
                format!("该身份证号码已登记为本机关在岗人员（{}），请勿重复登记", existing.name),
            )
            .into());
        }
        let registered = Officer::decide_register(agency, profile)?;
        let mut events = vec![registered];
        if let Some(cert) = input.certificate {
            let officer = Officer::fold(&events).expect("registered");
            let taken = self.db.certificate(&cert.number).await?.is_some();
            events.push(officer.decide_issue(cert, taken)?);
        }
        Ok(events)
    }

    /// An officer the principal may read.
    pub async fn officer_for(&self, by: &Principal, officer: Uuid) -> AppResult<(OfficerRow, Vec<CertificateRow>)> {
        let row = self.db.officer(officer).await?.ok_or(AppError::NotFound("人员"))?;
        by.can_read_agency(row.agency_id)?;
        let certs = self.db.certificates_of(officer).await?;
        Ok((row, certs))
    }

    async fn officer_command(
        &self,
        by: &Principal,
        officer: Uuid,
        decide: impl FnOnce(&Officer) -> Result<Vec<OfficerEvent>, AppError>,
    ) -> AppResult<()> {
        let (state, version) = self.db.load_officer(officer).await?.ok_or(AppError::NotFound("人员"))?;
        by.can_administer_agency(state.profile.agency_id)?;
        let events = decide(&state)?.into_iter().map(DomainEvent::from).collect();
        self.db.append_to(&Actor::from(by), &stream::officer(officer), version, events).await?;
        Ok(())
    }

    pub async fn issue_certificate(&self, by: &Principal, officer: Uuid, cert: Certificate) -> AppResult<()> {
        let taken = self.db.certificate(&cert.number).await?.is_some();
        self.officer_command(by, officer, |o| Ok(vec![o.decide_issue(cert, taken)?])).await
    }

    pub async fn revoke_certificate(
        &self,
        by: &Principal,
        officer: Uuid,
        number: &str,
        on: NaiveDate,
        reason: &str,
    ) -> AppResult<()> {
        self.officer_command(by, officer, |o| Ok(vec![o.decide_revoke(number, on, reason)?])).await
    }

    /// Records that a person left the post; their certificates are revoked from that date (P-04).
    pub async fn officer_leaves(
        &self,
        by: &Principal,
        officer: Uuid,
        on: NaiveDate,
        reason: LeaveReason,
        note: &str,
    ) -> AppResult<()> {
        self.officer_command(by, officer, |o| Ok(o.decide_leave(on, reason, note)?)).await
    }

    pub async fn list_item(&self, by: &Principal, agency: Uuid, item: EnforcementItem) -> AppResult<Uuid> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let id = item.id;
        let event = state.decide_list_item(item)?;
        self.db.append_to(&Actor::from(by), &stream::agency(agency), version, vec![event.into()]).await?;
        Ok(id)
    }

    pub async fn add_basis(&self, by: &Principal, agency: Uuid, citation: &str, text: &str) -> AppResult<Uuid> {
        by.can_administer_agency(agency)?;
        let citation = Citation::parse(citation).map_err(|e| Rejection::one("citation", e.to_string()))?;
        let (state, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let entry = BasisEntry { id: Uuid::new_v4(), citation, text: text.trim().to_string() };
        let id = entry.id;
        let event = state.decide_add_basis(entry)?;
        self.db.append_to(&Actor::from(by), &stream::agency(agency), version, vec![event.into()]).await?;
        Ok(id)
    }

    /// Appends several streams' events at once (imports: all rows or none).
    pub(crate) async fn append_all(&self, by: &Principal, batch: Vec<Append>) -> AppResult<()> {
        self.db.append(&Actor::from(by), batch).await?;
        Ok(())
    }
}
