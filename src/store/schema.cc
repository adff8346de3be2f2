// The schema: every migration, oldest first. A migration is never edited
// once it may have run anywhere; a change is a new one.
#include "store/schema.h"

namespace sealkey::store::detail {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "accounts, SMS codes, login tickets, sessions",
       {
           "CREATE TABLE accounts ("
           " id {ID},"
           " phone TEXT NOT NULL UNIQUE,"
           " password_hash TEXT,"
           " failed_logins INTEGER NOT NULL DEFAULT 0,"
           " locked_until BIGINT NOT NULL DEFAULT 0,"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE sms_codes ("
           " id {ID},"
           " phone TEXT NOT NULL,"
           " purpose TEXT NOT NULL,"
           " code_mac TEXT NOT NULL,"
           " client TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL,"
           " attempts INTEGER NOT NULL DEFAULT 0,"
           " used INTEGER NOT NULL DEFAULT 0)",
           "CREATE INDEX sms_codes_phone ON sms_codes (phone, purpose, created_at)",
           "CREATE INDEX sms_codes_client ON sms_codes (client, created_at)",
           "CREATE TABLE login_tickets ("
           " token_hash TEXT PRIMARY KEY,"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " expires_at BIGINT NOT NULL,"
           " used INTEGER NOT NULL DEFAULT 0)",
           "CREATE TABLE sessions ("
           " token_hash TEXT PRIMARY KEY,"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " created_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL,"
           " revoked INTEGER NOT NULL DEFAULT 0)",
           "CREATE INDEX sessions_account ON sessions (account_id)",
       }},
      {2,
       "account deletion with a cooling-off period (B15)",
       {
           "ALTER TABLE accounts ADD COLUMN deletion_requested_at BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE accounts ADD COLUMN deleted_at BIGINT NOT NULL DEFAULT 0",
       }},
      {3,
       "identities (B4): natural person now, organisation roles later; sessions carry one",
       {
           "CREATE TABLE identities ("
           " id {ID},"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " kind TEXT NOT NULL,"
           " org_id BIGINT,"
           " created_at BIGINT NOT NULL,"
           " ended_at BIGINT NOT NULL DEFAULT 0)",
           "CREATE INDEX identities_account ON identities (account_id)",
           "INSERT INTO identities (account_id, kind, created_at)"
           " SELECT id, 'natural_person', created_at FROM accounts WHERE deleted_at = 0",
           "ALTER TABLE sessions ADD COLUMN identity_id BIGINT NOT NULL DEFAULT 0",
       }},
      {4,
       "real-name verification submissions (B5)",
       {
           "CREATE TABLE kyc_submissions ("
           " id {ID},"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " agreement_version TEXT NOT NULL,"
           " agreed_at BIGINT NOT NULL,"
           " name TEXT NOT NULL,"
           " id_number TEXT NOT NULL,"
           " phone TEXT NOT NULL,"
           " front_blob TEXT NOT NULL,"
           " back_blob TEXT NOT NULL,"
           " status TEXT NOT NULL,"
           " reason TEXT NOT NULL DEFAULT '',"
           " submitted_at BIGINT NOT NULL,"
           " decided_at BIGINT NOT NULL DEFAULT 0,"
           " decided_by TEXT NOT NULL DEFAULT '')",
           "CREATE INDEX kyc_submissions_account ON kyc_submissions (account_id)",
       }},
      {5,
       "CA operator accounts and their sessions (review queues)",
       {
           "CREATE TABLE operators ("
           " id {ID},"
           " username TEXT NOT NULL UNIQUE,"
           " password_hash TEXT NOT NULL,"
           " failed_logins INTEGER NOT NULL DEFAULT 0,"
           " locked_until BIGINT NOT NULL DEFAULT 0,"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE operator_sessions ("
           " token_hash TEXT PRIMARY KEY,"
           " operator_id BIGINT NOT NULL REFERENCES operators (id),"
           " created_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL,"
           " revoked INTEGER NOT NULL DEFAULT 0)",
       }},
      {6,
       "organisations (B6), join requests (B7), invitations and administrator transfers (B9)",
       {
           "CREATE TABLE organisations ("
           " id {ID},"
           " name TEXT NOT NULL,"
           " credit_code TEXT NOT NULL,"
           " address TEXT NOT NULL,"
           " legal_rep_name TEXT NOT NULL,"
           " legal_rep_id_number TEXT NOT NULL,"
           " legal_rep_phone TEXT NOT NULL,"
           " licence_blob TEXT NOT NULL,"
           " licence_mime TEXT NOT NULL,"
           " agreement_version TEXT NOT NULL,"
           " agreed_at BIGINT NOT NULL,"
           " created_by BIGINT NOT NULL REFERENCES accounts (id),"
           " status TEXT NOT NULL,"
           " reason TEXT NOT NULL DEFAULT '',"
           " submitted_at BIGINT NOT NULL,"
           " decided_at BIGINT NOT NULL DEFAULT 0,"
           " decided_by TEXT NOT NULL DEFAULT '')",
           // One live (submitted or approved) organisation per credit code.
           "CREATE UNIQUE INDEX organisations_live_code ON organisations (credit_code)"
           " WHERE status <> 'rejected'",
           "CREATE TABLE org_join_requests ("
           " id {ID},"
           " org_id BIGINT NOT NULL REFERENCES organisations (id),"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " status TEXT NOT NULL,"
           " reason TEXT NOT NULL DEFAULT '',"
           " created_at BIGINT NOT NULL,"
           " decided_at BIGINT NOT NULL DEFAULT 0,"
           " decided_by BIGINT NOT NULL DEFAULT 0)",
           "CREATE INDEX org_join_requests_org ON org_join_requests (org_id, status)",
           "CREATE TABLE org_invitations ("
           " id {ID},"
           " org_id BIGINT NOT NULL REFERENCES organisations (id),"
           " phone TEXT NOT NULL,"
           " invited_by BIGINT NOT NULL REFERENCES accounts (id),"
           " status TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL,"
           " decided_at BIGINT NOT NULL DEFAULT 0)",
           "CREATE INDEX org_invitations_phone ON org_invitations (phone, status)",
           "CREATE TABLE org_admin_transfers ("
           " id {ID},"
           " org_id BIGINT NOT NULL REFERENCES organisations (id),"
           " from_account BIGINT NOT NULL REFERENCES accounts (id),"
           " to_account BIGINT NOT NULL REFERENCES accounts (id),"
           " status TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " decided_at BIGINT NOT NULL DEFAULT 0)",
           "CREATE INDEX identities_org ON identities (org_id, kind)",
       }},
      {7,
       "certificate authorities, issued certificates, escrowed encryption keys, audit chain",
       {
           "CREATE TABLE cas ("
           " id TEXT PRIMARY KEY,"
           " alg TEXT NOT NULL,"
           " cert_pem TEXT NOT NULL,"
           " chain_pem TEXT NOT NULL,"
           " key_kind TEXT NOT NULL,"
           " key_path TEXT NOT NULL,"
           " token_label TEXT NOT NULL DEFAULT '',"
           " key_label TEXT NOT NULL DEFAULT '',"
           " pin_file TEXT NOT NULL DEFAULT '',"
           " crl_number BIGINT NOT NULL DEFAULT 0,"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE certificates ("
           " serial TEXT PRIMARY KEY,"
           " ca_id TEXT NOT NULL REFERENCES cas (id),"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " identity_id BIGINT NOT NULL,"
           " profile TEXT NOT NULL,"
           " usage TEXT NOT NULL,"
           " subject TEXT NOT NULL,"
           " key_sha256 TEXT NOT NULL,"
           " not_before BIGINT NOT NULL,"
           " not_after BIGINT NOT NULL,"
           " der TEXT NOT NULL,"
           " status TEXT NOT NULL,"
           " revoked_at BIGINT NOT NULL DEFAULT 0,"
           " reason INTEGER NOT NULL DEFAULT 0,"
           " pair_serial TEXT NOT NULL DEFAULT '',"
           " replaces TEXT NOT NULL DEFAULT '',"
           " created_at BIGINT NOT NULL)",
           "CREATE INDEX certificates_account ON certificates (account_id)",
           "CREATE INDEX certificates_revoked ON certificates (ca_id, status)",
           "CREATE TABLE escrowed_keys ("
           " serial TEXT PRIMARY KEY REFERENCES certificates (serial),"
           " sealed_key TEXT NOT NULL,"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE audit_log ("
           " id BIGINT PRIMARY KEY,"
           " at BIGINT NOT NULL,"
           " actor TEXT NOT NULL,"
           " action TEXT NOT NULL,"
           " subject TEXT NOT NULL,"
           " details TEXT NOT NULL,"
           " prev_hash TEXT NOT NULL,"
           " hash TEXT NOT NULL)",
           // The head of the chain: one row, updated first in every append,
           // so concurrent appends serialise on it (PostgreSQL row lock,
           // SQLite's write lock).
           "CREATE TABLE audit_head (id INTEGER PRIMARY KEY, last_id BIGINT NOT NULL,"
           " last_hash TEXT NOT NULL)",
           "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '')",
       }},
      {8,
       "catalogue (products, QR-coded projects), orders, payments, invoices (B8, B10, B13, B14)",
       {
           "CREATE TABLE products ("
           " id TEXT PRIMARY KEY,"
           " kind TEXT NOT NULL,"
           " name TEXT NOT NULL,"
           " profile TEXT NOT NULL DEFAULT '',"
           " alg TEXT NOT NULL DEFAULT '',"
           " dual INTEGER NOT NULL DEFAULT 0,"
           " validity_days INTEGER NOT NULL DEFAULT 365,"
           " price_fen BIGINT NOT NULL,"
           " roles TEXT NOT NULL,"
           " seal_type TEXT NOT NULL DEFAULT '',"
           " active INTEGER NOT NULL DEFAULT 1,"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE projects ("
           " id TEXT PRIMARY KEY,"
           " name TEXT NOT NULL,"
           " products TEXT NOT NULL,"
           " preregistered TEXT NOT NULL DEFAULT '',"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE orders ("
           " id {ID},"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " identity_id BIGINT NOT NULL,"
           " product_id TEXT NOT NULL REFERENCES products (id),"
           " project_id TEXT NOT NULL DEFAULT '',"
           " state TEXT NOT NULL,"
           " csr TEXT NOT NULL DEFAULT '',"
           " amount_fen BIGINT NOT NULL,"
           " agreement_version TEXT NOT NULL DEFAULT '',"
           " form_kind TEXT NOT NULL DEFAULT '',"
           " form_blob TEXT NOT NULL DEFAULT '',"
           " invoice TEXT NOT NULL DEFAULT '',"
           " pay_method TEXT NOT NULL DEFAULT '',"
           " remittance_ref TEXT,"
           " payer TEXT NOT NULL DEFAULT '',"
           " review_reason TEXT NOT NULL DEFAULT '',"
           " reviewed_by TEXT NOT NULL DEFAULT '',"
           " cert_serial TEXT NOT NULL DEFAULT '',"
           " result TEXT NOT NULL DEFAULT '',"
           " created_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
           "CREATE INDEX orders_account ON orders (account_id, state)",
           "CREATE UNIQUE INDEX orders_remittance ON orders (remittance_ref)",
           "CREATE TABLE order_events ("
           " id {ID},"
           " order_id BIGINT NOT NULL REFERENCES orders (id),"
           " from_state TEXT NOT NULL,"
           " to_state TEXT NOT NULL,"
           " actor TEXT NOT NULL,"
           " at BIGINT NOT NULL)",
           "CREATE TABLE payments ("
           " id {ID},"
           " order_id BIGINT NOT NULL REFERENCES orders (id),"
           " provider TEXT NOT NULL,"
           " provider_ref TEXT NOT NULL UNIQUE,"
           " amount_fen BIGINT NOT NULL,"
           " status TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " settled_at BIGINT NOT NULL DEFAULT 0)",
           "CREATE TABLE invoices ("
           " id {ID},"
           " order_id BIGINT NOT NULL UNIQUE REFERENCES orders (id),"
           " status TEXT NOT NULL,"
           " number TEXT NOT NULL DEFAULT '',"
           " pdf_blob TEXT NOT NULL DEFAULT '',"
           " error TEXT NOT NULL DEFAULT '',"
           " attempts INTEGER NOT NULL DEFAULT 0,"
           " created_at BIGINT NOT NULL,"
           " issued_at BIGINT NOT NULL DEFAULT 0)",
       }},
      {9,
       "platform settings (the invoice seller's details)",
       {
           "CREATE TABLE platform_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
       }},
      {10,
       "seals (B12): seal orders bind a certificate; issued seals (image + GB/T 38540 SESeal)",
       {
           "ALTER TABLE orders ADD COLUMN bind_serial TEXT NOT NULL DEFAULT ''",
           "CREATE TABLE seals ("
           " id {ID},"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " order_id BIGINT NOT NULL REFERENCES orders (id),"
           " name TEXT NOT NULL,"
           " type TEXT NOT NULL,"
           " cert_serial TEXT NOT NULL,"
           " image_blob TEXT NOT NULL,"
           " seal_blob TEXT NOT NULL,"
           " valid_end BIGINT NOT NULL,"
           " created_at BIGINT NOT NULL)",
           "CREATE INDEX seals_account ON seals (account_id)",
       }},
      {11,
       "self-service (D8): applications, employer pre-registrations, query sessions, captchas",
       {
           "CREATE TABLE self_service_applications ("
           " id {ID},"
           " phone TEXT NOT NULL,"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " project_id TEXT NOT NULL,"
           " product_id TEXT NOT NULL,"
           " source TEXT NOT NULL,"
           " name TEXT NOT NULL,"
           " id_number TEXT NOT NULL,"
           " org_name TEXT NOT NULL DEFAULT '',"
           " credit_code TEXT NOT NULL DEFAULT '',"
           " email TEXT NOT NULL DEFAULT '',"
           " agreement_version TEXT NOT NULL,"
           " password_hash TEXT NOT NULL,"
           " failed_passwords INTEGER NOT NULL DEFAULT 0,"
           " locked_until BIGINT NOT NULL DEFAULT 0,"
           " state TEXT NOT NULL,"
           " review_reason TEXT NOT NULL DEFAULT '',"
           " reviewed_by TEXT NOT NULL DEFAULT '',"
           " cert_serial TEXT NOT NULL DEFAULT '',"
           " created_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
           "CREATE INDEX self_service_applications_phone ON self_service_applications (phone)",
           "CREATE TABLE self_service_preregistrations ("
           " id {ID},"
           " project_id TEXT NOT NULL REFERENCES projects (id),"
           " product_id TEXT NOT NULL,"
           " phone TEXT NOT NULL,"
           " name TEXT NOT NULL,"
           " id_number TEXT NOT NULL,"
           " org_name TEXT NOT NULL DEFAULT '',"
           " credit_code TEXT NOT NULL DEFAULT '',"
           " application_id BIGINT NOT NULL DEFAULT 0,"
           " created_by TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " UNIQUE (project_id, phone))",
           "CREATE TABLE self_service_sessions ("
           " token_hash TEXT PRIMARY KEY,"
           " phone TEXT NOT NULL,"
           " expires_at BIGINT NOT NULL)",
           "CREATE TABLE captchas ("
           " id TEXT PRIMARY KEY,"
           " answer_mac TEXT NOT NULL,"
           " expires_at BIGINT NOT NULL,"
           " used INTEGER NOT NULL DEFAULT 0)",
       }},
      {12,
       "seal orders (B12): the applicant's own seal image (PNG blob), instead of a rendered one",
       {
           "ALTER TABLE orders ADD COLUMN seal_image_blob TEXT NOT NULL DEFAULT ''",
       }},
      {13,
       "administrator transfer (B9): the rendered authorisation letter, the signed one, the signer",
       {
           "ALTER TABLE org_admin_transfers ADD COLUMN letter_blob TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE org_admin_transfers ADD COLUMN signed_blob TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE org_admin_transfers ADD COLUMN signer_serial TEXT NOT NULL DEFAULT ''",
       }},
      {14,
       "self-service (D8): at most one open application per phone and product",
       {
           "CREATE UNIQUE INDEX self_service_open ON self_service_applications (phone, product_id)"
           " WHERE state IN ('pending_review', 'approved')",
       }},
      {15,
       "notices to certificate holders (B11: a reissue is due)",
       {
           "CREATE TABLE cert_notices ("
           " id {ID},"
           " account_id BIGINT NOT NULL REFERENCES accounts (id),"
           " kind TEXT NOT NULL,"
           " serial TEXT NOT NULL,"
           " reason TEXT NOT NULL,"
           " created_by TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " done_at BIGINT NOT NULL DEFAULT 0)",
           "CREATE INDEX cert_notices_account ON cert_notices (account_id, done_at)",
           "CREATE UNIQUE INDEX cert_notices_open ON cert_notices (kind, serial) WHERE done_at = 0",
       }},
  };
  return kMigrations;
}

}  // namespace sealkey::store::detail
