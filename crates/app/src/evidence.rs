//! Evidence uploads and reading (rules R-08…R-11 with ): AV material reaches a
//! case through the resumable uploads of `zhifa-blob`, and is read back only by those who
//! may read a case holding it, each opening logged.
//!
//! An upload is declared with its R-10 metadata, which is checked together with the
//! declared type and size and the officer's right to write the case *before* anything is
//! stored. The declaration carries the case, the account and the metadata; when the last
//! byte arrives the file is stored and attached to the case in one `AvAttached` event, so
//! an interrupted upload leaves no visible evidence. Only the account that created an
//! upload may continue it: the account is read from the declaration, which `zhifa-blob`
//! keeps with the upload and returns with its status.

use futures_util::Stream;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zhifa_blob::{
    AppendOutcome, BlobError, Completed, MAX_FILE_NAME_CHARS, MediaType, Sha256, UploadDeclaration, UploadId,
    UploadStatus, Uploads,
};
use zhifa_core::Rejection;
use zhifa_core::access::{AccessError, Principal, Sensitivity};
use zhifa_core::case::decide::check_av_media;
use zhifa_core::case::{AvMetadata, StoredFile};
use zhifa_store::cases::CaseFileRow;

use crate::{App, AppError, AppResult};

/// An upload as the officer declares it.
#[derive(Debug, Clone)]
pub struct AvUpload {
    pub file_name: String,
    /// The MIME type the device reports (`video/mp4`, `image/jpeg`, …).
    pub media_type: String,
    pub total_size: u64,
    /// The SHA-256 the client computed, if any: checked when the upload finishes.
    pub sha256: Option<Sha256>,
    pub meta: AvMetadata,
}

/// What the declaration carries for this layer (opaque to `zhifa-blob`).
#[derive(Debug, Serialize, Deserialize)]
struct Declared {
    case_id: Uuid,
    account_id: Uuid,
    file_name: String,
    meta: AvMetadata,
}

/// Why an evidence upload or read failed: a refused command, or the file store's answer
/// (size, type, offset, range…), which the web layer maps onto statuses.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    File(#[from] BlobError),
}

impl From<AccessError> for EvidenceError {
    fn from(e: AccessError) -> Self {
        EvidenceError::App(e.into())
    }
}

impl From<Rejection> for EvidenceError {
    fn from(r: Rejection) -> Self {
        EvidenceError::App(r.into())
    }
}

/// Where an upload stands.
#[derive(Debug, Clone, PartialEq)]
pub struct AvUploadState {
    pub id: UploadId,
    pub file_name: String,
    pub media_type: MediaType,
    pub total_size: u64,
    /// Bytes received: the offset to resume from.
    pub received: u64,
    /// Every byte arrived and the file is stored (an empty append at the end attaches it,
    /// or answers with the item already attached).
    pub complete: bool,
}

impl From<UploadStatus> for AvUploadState {
    fn from(s: UploadStatus) -> Self {
        let file_name = declarant(&s).map_or_else(|| s.file_name.clone(), |(_, name)| name);
        AvUploadState {
            id: s.id,
            file_name,
            media_type: s.media_type,
            total_size: s.total_size,
            received: s.received,
            complete: s.completed.is_some(),
        }
    }
}

/// Where an upload stands after an append.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadProgress {
    /// More bytes are expected from `received` on.
    InProgress { received: u64, total_size: u64 },
    /// Every byte arrived: the file is stored and attached to the case as this AV item.
    Attached { case_id: Uuid, av_id: Uuid, total_size: u64 },
}

/// The part of [`Declared`] needed before an append: who declared the upload and the
/// file's name as the officer gave it.
#[derive(Deserialize)]
struct Declarant {
    account_id: Uuid,
    file_name: String,
}

/// The account that declared an upload and the file's original name, from the
/// declaration's metadata; `None` if it names no account that can be read.
fn declarant(status: &UploadStatus) -> Option<(Uuid, String)> {
    if status.metadata.get("account_id").is_some() {
        // The metadata is authoritative whenever it names the account.
        let d = Declarant::deserialize(&status.metadata).ok()?;
        return Some((d.account_id, d.file_name));
    }
    // Older builds named the upload `<account id>:<file name>` in `zhifa-blob`, because its
    // status did not return the metadata then. An upload staged before the upgrade whose
    // metadata does not name the account is read in that form, so the account that
    // declared it can still resume it (and nobody else can).
    let (account, name) = status.file_name.split_once(':')?;
    Some((account.parse().ok()?, name.to_owned()))
}

impl App {
    fn uploads(&self) -> AppResult<&Uploads> {
        self.files.as_ref().ok_or(AppError::NotFound("证据文件存储"))
    }

    /// Checks an upload before anything is stored: the officer's right to write the case
    /// (an error), then the metadata and the declared file — type on the
    /// allow-list, size within the limit, a transcript for audio — every problem at once
    /// (the returned rejection, empty when all is well).
    pub async fn check_av_upload(
        &self,
        by: &Principal,
        case_id: Uuid,
        upload: &AvUpload,
    ) -> Result<Rejection, EvidenceError> {
        let uploads = self.uploads()?;
        let mut r = match self.check_av_metadata(by, case_id, &upload.meta).await {
            Ok(()) => Rejection::new(),
            Err(AppError::Rejected(r)) => r,
            Err(e) => return Err(e.into()),
        };
        let name = upload.file_name.trim();
        if name.is_empty() {
            r.add("file_name", "请选择要上传的文件");
        } else if name.chars().count() > MAX_FILE_NAME_CHARS {
            r.add("file_name", format!("文件名过长，最多 {MAX_FILE_NAME_CHARS} 个字符，请改名后再上传"));
        } else if name.chars().any(char::is_control) {
            r.add("file_name", "文件名不能含有控制字符");
        }
        match MediaType::from_mime(&upload.media_type) {
            None => r.add(
                "media_type",
                BlobError::MediaTypeNotAllowed { declared: upload.media_type.chars().take(100).collect() }.to_string(),
            ),
            // The canonical type, as the stored file will have it.
            Some(t) => {
                check_av_media(&mut r, "media_type", t.mime(), &upload.meta);
            }
        }
        if upload.total_size == 0 {
            r.add("total_size", BlobError::EmptyFile.to_string());
        } else if upload.total_size > uploads.max_bytes() {
            r.add(
                "total_size",
                BlobError::TooLarge { max_bytes: uploads.max_bytes(), declared: upload.total_size }.to_string(),
            );
        }
        Ok(r)
    }

    /// Starts an upload of AV material for a case once [`App::check_av_upload`] finds
    /// nothing wrong; the declaration carries the case, the account and the metadata.
    pub async fn begin_av_upload(
        &self,
        by: &Principal,
        case_id: Uuid,
        upload: AvUpload,
    ) -> Result<AvUploadState, EvidenceError> {
        self.check_av_upload(by, case_id, &upload).await?.into_result()?;
        let name = upload.file_name.trim().to_owned();
        let declared = Declared { case_id, account_id: by.account_id, file_name: name.clone(), meta: upload.meta };
        let metadata =
            serde_json::to_value(&declared).map_err(|e| BlobError::Config(format!("上传声明无法保存：{e}")))?;
        let status = self
            .uploads()?
            .create(UploadDeclaration {
                file_name: name,
                media_type: upload.media_type,
                total_size: upload.total_size,
                sha256: upload.sha256,
                metadata,
            })
            .await?;
        Ok(AvUploadState::from(status))
    }

    /// The upload, if it is the principal's own.
    async fn own_upload(&self, by: &Principal, id: &UploadId) -> Result<UploadStatus, EvidenceError> {
        let status = self.uploads()?.status(id).await?;
        if declarant(&status).map(|(account, _)| account) != Some(by.account_id) {
            // Someone else's upload is none of this account's business: not found.
            return Err(BlobError::UploadNotFound.into());
        }
        Ok(status)
    }

    /// Where the principal's upload stands (the offset to resume from).
    pub async fn av_upload_status(&self, by: &Principal, id: &UploadId) -> Result<AvUploadState, EvidenceError> {
        Ok(self.own_upload(by, id).await?.into())
    }

    /// Appends a body at `offset` to the principal's upload. When the last byte arrives the
    /// file is stored and attached to its case (R-10 hash, R-11 late flag); asked again
    /// with an empty body at the end, it answers with the same AV item.
    pub async fn append_av_upload<S, E>(
        &self,
        by: &Principal,
        id: &UploadId,
        offset: u64,
        body: S,
    ) -> Result<UploadProgress, EvidenceError>
    where
        S: Stream<Item = Result<bytes::Bytes, E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let status = self.own_upload(by, id).await?;
        match self.uploads()?.append(id, offset, body).await? {
            AppendOutcome::InProgress { received } => {
                Ok(UploadProgress::InProgress { received, total_size: status.total_size })
            }
            AppendOutcome::Completed(done) => self.attach_upload(by, done).await,
        }
    }

    /// Attaches a finished upload to its case, once: a repeated finish finds the item.
    async fn attach_upload(&self, by: &Principal, done: Completed) -> Result<UploadProgress, EvidenceError> {
        let declared: Declared = serde_json::from_value(done.metadata.clone())
            .map_err(|e| BlobError::Config(format!("上传声明无法读取：{e}")))?;
        let file = StoredFile {
            sha256: done.blob.sha256.to_hex(),
            size: done.blob.size,
            media_type: done.blob.media_type.mime().to_owned(),
            file_name: declared.file_name.clone(),
            storage_key: done.blob.key.clone(),
        };
        let attached =
            |av_id| UploadProgress::Attached { case_id: declared.case_id, av_id, total_size: done.blob.size };
        for _ in 0..3 {
            if let Some(av_id) = self.attached_already(declared.case_id, &file, &declared.meta).await? {
                return Ok(attached(av_id));
            }
            match self.attach_av(by, declared.case_id, file.clone(), declared.meta.clone()).await {
                Ok(av_id) => return Ok(attached(av_id)),
                // A concurrent write to the case (perhaps the same finish): look again.
                Err(AppError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict("案件正被同时修改，请稍后重试".into()).into())
    }

    /// The AV item an earlier finish of the same upload attached, if any.
    async fn attached_already(&self, case_id: Uuid, file: &StoredFile, meta: &AvMetadata) -> AppResult<Option<Uuid>> {
        let Some((case, _, _)) = self.db.load_case(case_id).await? else { return Ok(None) };
        Ok(case
            .av
            .iter()
            .find(|a| {
                a.file.sha256 == file.sha256
                    && a.file.file_name == file.file_name
                    && a.meta.record_id == meta.record_id
                    && a.meta.captured_at == meta.captured_at
            })
            .map(|a| a.id))
    }

    /// Gives up the principal's upload; its staged bytes are removed.
    pub async fn abort_av_upload(&self, by: &Principal, id: &UploadId) -> Result<(), EvidenceError> {
        self.own_upload(by, id).await?;
        Ok(self.uploads()?.abort(id).await?)
    }

    /// An evidence file for reading: one of the cases holding it must be readable by the
    /// principal — agency scope and the item's sensitivity. With `opening`, the
    /// reading is logged against that case.
    pub async fn av_file(&self, by: &Principal, sha256: &Sha256, opening: bool) -> AppResult<CaseFileRow> {
        let rows = self.db.case_files_by_sha(&sha256.to_hex()).await?;
        let mut refused = None;
        for row in rows {
            // An unreadable marking is treated as the strictest.
            let sensitivity: Sensitivity = serde_json::from_value(serde_json::Value::String(row.sensitivity.clone()))
                .unwrap_or(Sensitivity::StateSecret);
            match by.can_read(row.agency_id, sensitivity) {
                Ok(()) => {
                    if opening {
                        self.log_access(by, row.case_id, None, &format!("查看音像记录 {}", row.file_name)).await?;
                    }
                    return Ok(row);
                }
                Err(e) => refused = refused.or(Some(e)),
            }
        }
        Err(refused.map_or(AppError::NotFound("证据文件"), AppError::from))
    }
}
