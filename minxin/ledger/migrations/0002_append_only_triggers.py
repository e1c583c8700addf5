"""The ledger's rules in the database itself (see ledger.models): entries and posted transactions
are never updated or deleted, no entry joins a posted transaction, and a transaction is posted only
if its entries (two at least) sum to zero. SQLite triggers consult `ledger_writable()` (ledger.guard),
which only a test flush turns on; PostgreSQL's run unconditionally."""

from django.db import migrations

# Columns a posting may not change on its transaction (only `posted` flips, from draft to posted).
FIXED = ["kind", "memo", "region_code", "occurred_on", "posted_at", "posted_by_id", "reverses_id",
         "idempotency_key", "payload_hash"]

SQLITE = [
    "CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry WHEN NOT ledger_writable() "
    "BEGIN SELECT RAISE(ABORT, 'ledger: entries are append-only (post a reversing transaction)'); END",
    "CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry WHEN NOT ledger_writable() "
    "BEGIN SELECT RAISE(ABORT, 'ledger: entries are append-only (post a reversing transaction)'); END",
    "CREATE TRIGGER ledger_entry_draft_only BEFORE INSERT ON ledger_entry "
    "WHEN (SELECT posted FROM ledger_transaction WHERE id = NEW.transaction_id) = 1 "
    "BEGIN SELECT RAISE(ABORT, 'ledger: no entry joins a posted transaction'); END",
    "CREATE TRIGGER ledger_transaction_no_delete BEFORE DELETE ON ledger_transaction WHEN NOT ledger_writable() "
    "BEGIN SELECT RAISE(ABORT, 'ledger: transactions are never deleted'); END",
    "CREATE TRIGGER ledger_transaction_post_only BEFORE UPDATE ON ledger_transaction WHEN NOT ledger_writable() AND ("
    "OLD.posted = 1 OR NEW.posted = 0 OR NEW.id IS NOT OLD.id OR "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED) + ") "
    "BEGIN SELECT RAISE(ABORT, 'ledger: a transaction is only ever posted, never changed'); END",
    "CREATE TRIGGER ledger_transaction_balanced BEFORE UPDATE OF posted ON ledger_transaction "
    "WHEN NEW.posted = 1 AND OLD.posted = 0 AND ("
    "(SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entry WHERE transaction_id = NEW.id) <> 0 OR "
    "(SELECT COUNT(*) FROM ledger_entry WHERE transaction_id = NEW.id) < 2) "
    "BEGIN SELECT RAISE(ABORT, 'ledger: an unbalanced transaction is not posted'); END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "ledger_entry_no_update", "ledger_entry_no_delete", "ledger_entry_draft_only", "ledger_transaction_no_delete",
    "ledger_transaction_post_only", "ledger_transaction_balanced")]

_changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED)
POSTGRES = [
    """CREATE FUNCTION ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'ledger: % on % refused: the ledger is append-only (post a reversing transaction)',
        TG_OP, TG_TABLE_NAME; END $$""",
    """CREATE FUNCTION ledger_entry_draft_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT posted FROM ledger_transaction WHERE id = NEW.transaction_id) THEN
            RAISE EXCEPTION 'ledger: no entry joins a posted transaction';
        END IF;
        RETURN NEW;
    END $$""",
    f"""CREATE FUNCTION ledger_transaction_post() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.posted OR NOT NEW.posted OR NEW.id IS DISTINCT FROM OLD.id OR {_changed} THEN
            RAISE EXCEPTION 'ledger: a transaction is only ever posted, never changed';
        END IF;
        IF (SELECT COUNT(*) FROM ledger_entry WHERE transaction_id = NEW.id) < 2
           OR (SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entry WHERE transaction_id = NEW.id) <> 0 THEN
            RAISE EXCEPTION 'ledger: an unbalanced transaction is not posted';
        END IF;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER ledger_entry_no_change BEFORE UPDATE OR DELETE ON ledger_entry "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse()",
    "CREATE TRIGGER ledger_entry_draft_only BEFORE INSERT ON ledger_entry "
    "FOR EACH ROW EXECUTE FUNCTION ledger_entry_draft_only()",
    "CREATE TRIGGER ledger_transaction_no_delete BEFORE DELETE ON ledger_transaction "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse()",
    "CREATE TRIGGER ledger_transaction_post BEFORE UPDATE ON ledger_transaction "
    "FOR EACH ROW EXECUTE FUNCTION ledger_transaction_post()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_change ON ledger_entry",
    "DROP TRIGGER IF EXISTS ledger_entry_draft_only ON ledger_entry",
    "DROP TRIGGER IF EXISTS ledger_transaction_no_delete ON ledger_transaction",
    "DROP TRIGGER IF EXISTS ledger_transaction_post ON ledger_transaction",
    "DROP FUNCTION IF EXISTS ledger_refuse()", "DROP FUNCTION IF EXISTS ledger_entry_draft_only()",
    "DROP FUNCTION IF EXISTS ledger_transaction_post()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                                       _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}))]
