"""outcomes: versioned survey instruments (old answers migrated), follow-ups, plan objectives

Revision ID: r20261201_outcomes_surveys
Revises: r20261130_identity_2fa_sso
Create Date: 2026-12-01 09:00:00

Every answer of the old one-table survey (survey_response) becomes a submission of version 1
of the post-request instrument (its four questions, worded as they were asked); version 2 holds
the new defaults (quality, relevance, usefulness, timeliness, satisfaction, intent to use, goal
met, comment). The old table is dropped once copied; downgrade copies the answers back.
"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = 'r20261201_outcomes_surveys'
down_revision = 'r20261130_identity_2fa_sso'
branch_labels = None
depends_on = None

# Frozen copies of tacenter/surveys/defaults.py as of this revision (a later edit of the
# defaults must not change what this migration did).
GOAL_MET = [["yes", "Yes", "Sí"], ["partly", "Partly", "En parte"], ["no", "No", "No"]]
CHANGES = [
    ["practice", "A change in practice", "Un cambio en la práctica"],
    ["policy", "A change in policy", "Un cambio en las políticas"],
    ["program", "A new or changed program", "Un programa nuevo o modificado"],
    ["financing", "A change in financing", "Un cambio en el financiamiento"],
    ["workforce", "A workforce change", "Un cambio en la fuerza laboral"],
    ["nothing_yet", "Nothing yet", "Nada todavía"],
]
LEGACY = [
    ("usefulness", "rating", "Usefulness", "How useful was the help?", "¿Qué tan útil fue la ayuda?", [], True),
    ("timeliness", "rating", "Timeliness", "How timely was it?", "¿Qué tan oportuna fue?", [], True),
    ("goal_met", "choice", "Goal met", "Was your goal met?", "¿Se cumplió su objetivo?", GOAL_MET, True),
    ("comment", "text", "Comment", "Anything else? (optional)", "¿Algo más? (opcional)", [], False),
]
RATED = [
    ("quality", "Quality", "How would you rate the quality of the help?", "¿Cómo calificaría la calidad de la ayuda?"),
    ("relevance", "Relevance", "How relevant was it to your needs?", "¿Qué tan pertinente fue para sus necesidades?"),
    ("usefulness", "Usefulness", "How useful was it?", "¿Qué tan útil fue?"),
    ("timeliness", "Timeliness", "How timely was it?", "¿Qué tan oportuna fue?"),
    ("satisfaction", "Satisfaction", "Overall, how satisfied are you?", "En general, ¿qué tan satisfecho(a) está?"),
]
POST_REQUEST = [(c, "rating", lab, en, es, [], True) for c, lab, en, es in RATED] + [
    ("intent_to_use", "yes_no", "Intent to use", "Do you intend to use what you learned?",
     "¿Piensa usar lo que aprendió?", [], True),
    ("goal_met", "choice", "Goal met", "Was your goal met?", "¿Se cumplió su objetivo?", GOAL_MET, True),
    ("comment", "text", "Comment", "Anything else? (optional)", "¿Algo más? (opcional)", [], False),
]
POST_EVENT = [i for i in POST_REQUEST if i[0] not in ("timeliness", "goal_met")]
FOLLOW_UP = [
    ("what_changed", "multi", "What changed", "Since the help, what have you put in place?",
     "Desde la ayuda, ¿qué ha puesto en marcha?", CHANGES, True),
    ("evidence_note", "text", "Evidence (note)", "Tell us about it (optional)",
     "Cuéntenos al respecto (opcional)", [], False),
    ("evidence_link", "link", "Evidence (link)", "A link that shows it, such as a policy or a report (optional)",
     "Un enlace que lo muestre, como una política o un informe (opcional)", [], False),
    ("barriers", "text", "Barriers", "What got in the way? (optional)", "¿Qué obstáculos encontró? (opcional)",
     [], False),
]
NAMES = {
    "post_request": ("After a request", "Después de una solicitud"),
    "post_event": ("After an event", "Después de un evento"),
    "follow_up": ("Follow-up", "Seguimiento"),
}


def _tables():
    op.create_table('survey_instrument',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.Column('name_es', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_instrument')),
        sa.UniqueConstraint('kind', name=op.f('uq_survey_instrument_kind')))
    op.create_table('survey_instrument_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instrument_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_survey_instrument_version_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['instrument_id'], ['survey_instrument.id'], name=op.f('fk_survey_instrument_version_instrument_id_survey_instrument'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_instrument_version')),
        sa.UniqueConstraint('instrument_id', 'number', name=op.f('uq_survey_instrument_version_instrument_id')))
    op.create_table('survey_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('text_en', sa.Text(), nullable=False),
        sa.Column('text_es', sa.Text(), nullable=False),
        sa.Column('choices_json', sa.Text(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['survey_instrument_version.id'], name=op.f('fk_survey_item_version_id_survey_instrument_version'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_item')),
        sa.UniqueConstraint('version_id', 'code', name=op.f('uq_survey_item_version_id')))
    op.create_table('survey_submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=24), nullable=False),
        sa.Column('ta_request_id', sa.Integer(), nullable=True),
        sa.Column('respondent_id', sa.Integer(), nullable=True),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['respondent_id'], ['user_account.id'], name=op.f('fk_survey_submission_respondent_id_user_account')),
        sa.ForeignKeyConstraint(['ta_request_id'], ['ta_request.id'], name=op.f('fk_survey_submission_ta_request_id_ta_request'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['version_id'], ['survey_instrument_version.id'], name=op.f('fk_survey_submission_version_id_survey_instrument_version')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_submission')),
        sa.UniqueConstraint('ta_request_id', 'purpose', name=op.f('uq_survey_submission_ta_request_id')))
    op.create_index('ix_survey_submission_time', 'survey_submission', ['submitted_at', 'purpose'])
    op.create_index(op.f('ix_survey_submission_version_id'), 'survey_submission', ['version_id'])
    op.create_table('survey_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('choice', sa.String(length=40), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['survey_item.id'], name=op.f('fk_survey_answer_item_id_survey_item')),
        sa.ForeignKeyConstraint(['submission_id'], ['survey_submission.id'], name=op.f('fk_survey_answer_submission_id_survey_submission'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer')),
        sa.UniqueConstraint('submission_id', 'item_id', 'choice', name=op.f('uq_survey_answer_submission_id')))
    op.create_index(op.f('ix_survey_answer_item_id'), 'survey_answer', ['item_id'])
    op.create_table('follow_up',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ta_request_id', sa.Integer(), nullable=False),
        sa.Column('window_days', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lapsed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('submission_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['submission_id'], ['survey_submission.id'], name=op.f('fk_follow_up_submission_id_survey_submission'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['ta_request_id'], ['ta_request.id'], name=op.f('fk_follow_up_ta_request_id_ta_request'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')),
        sa.UniqueConstraint('ta_request_id', 'window_days', name=op.f('uq_follow_up_ta_request_id')))
    op.create_index('ix_follow_up_open', 'follow_up', ['answered_at', 'lapsed_at', 'sent_at'])
    op.create_table('plan_objective',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ta_request_id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('target_date', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['goal_id'], ['ta_plan_goal.id'], name=op.f('fk_plan_objective_goal_id_ta_plan_goal'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ta_request_id'], ['ta_request.id'], name=op.f('fk_plan_objective_ta_request_id_ta_request'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_objective')))
    op.create_index('ix_plan_objective_request', 'plan_objective', ['ta_request_id', 'status'])
    op.create_index(op.f('ix_plan_objective_goal_id'), 'plan_objective', ['goal_id'])
    op.create_table('objective_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('objective_id', sa.Integer(), nullable=False),
        sa.Column('ta_request_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('submission_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_objective_change_actor_id_user_account')),
        sa.ForeignKeyConstraint(['objective_id'], ['plan_objective.id'], name=op.f('fk_objective_change_objective_id_plan_objective'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submission_id'], ['survey_submission.id'], name=op.f('fk_objective_change_submission_id_survey_submission'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['ta_request_id'], ['ta_request.id'], name=op.f('fk_objective_change_ta_request_id_ta_request'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_objective_change')))
    op.create_index('ix_objective_change_objective', 'objective_change', ['objective_id', 'created_at'])
    op.create_index(op.f('ix_objective_change_ta_request_id'), 'objective_change', ['ta_request_id'])
    with op.batch_alter_table('center_settings') as batch_op:
        batch_op.add_column(sa.Column('follow_up_days', sa.String(length=40), nullable=False, server_default='30,90'))
        batch_op.add_column(sa.Column('follow_up_remind_days', sa.Integer(), nullable=False, server_default='14'))
        batch_op.add_column(sa.Column('follow_up_lapse_days', sa.Integer(), nullable=False, server_default='14'))


def _version(conn, instrument_id, number, items, now, note):
    version_id = conn.execute(sa.text(
        "INSERT INTO survey_instrument_version (instrument_id, number, note, created_at) "
        "VALUES (:i, :n, :note, :now) RETURNING id"), {"i": instrument_id, "n": number, "note": note, "now": now}
    ).scalar_one()
    ids = {}
    for position, (code, kind, label, en, es, choices, required) in enumerate(items, start=1):
        ids[code] = conn.execute(sa.text(
            "INSERT INTO survey_item (version_id, position, code, kind, label, text_en, text_es, choices_json,"
            " required) VALUES (:v, :p, :c, :k, :l, :en, :es, :ch, :r) RETURNING id"),
            {"v": version_id, "p": position, "c": code, "k": kind, "l": label, "en": en, "es": es,
             "ch": json.dumps(choices, ensure_ascii=False), "r": required}).scalar_one()
    return version_id, ids


def _instrument(conn, kind, now):
    return conn.execute(sa.text(
        "INSERT INTO survey_instrument (kind, name_en, name_es, created_at) VALUES (:k, :en, :es, :now) RETURNING id"),
        {"k": kind, "en": NAMES[kind][0], "es": NAMES[kind][1], "now": now}).scalar_one()


def upgrade():
    _tables()
    conn = op.get_bind()
    now = datetime.now(UTC)
    post = _instrument(conn, "post_request", now)
    legacy_version, legacy_items = _version(conn, post, 1, LEGACY, now, "The survey as asked before instruments")
    _version(conn, post, 2, POST_REQUEST, now, "Defaults: quality, relevance, usefulness (OSEP) and more")
    _version(conn, _instrument(conn, "post_event", now), 1, POST_EVENT, now, "Defaults")
    _version(conn, _instrument(conn, "follow_up", now), 1, FOLLOW_UP, now, "Defaults")
    old = conn.execute(sa.text(
        "SELECT s.id, s.ta_request_id, s.respondent_id, s.usefulness, s.timeliness, s.goal_met, s.comment,"
        " s.submitted_at, u.locale FROM survey_response s LEFT JOIN user_account u ON u.id = s.respondent_id"
        " ORDER BY s.id")).all()
    for row in old:
        submission = conn.execute(sa.text(
            "INSERT INTO survey_submission (version_id, purpose, ta_request_id, respondent_id, locale, submitted_at)"
            " VALUES (:v, 'post_request', :r, :who, :loc, :at) RETURNING id"),
            {"v": legacy_version, "r": row.ta_request_id, "who": row.respondent_id, "loc": row.locale or "en",
             "at": row.submitted_at}).scalar_one()
        answers = [("usefulness", row.usefulness, "", ""), ("timeliness", row.timeliness, "", ""),
                   ("goal_met", None, row.goal_met, "")]
        if row.comment:
            answers.append(("comment", None, "", row.comment))
        for code, number, choice, text in answers:
            conn.execute(sa.text(
                "INSERT INTO survey_answer (submission_id, item_id, number, choice, text) VALUES (:s, :i, :n, :c, :t)"),
                {"s": submission, "i": legacy_items[code], "n": number, "c": choice, "t": text})
    op.drop_table('survey_response')


def downgrade():
    op.create_table('survey_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ta_request_id', sa.Integer(), nullable=False),
        sa.Column('respondent_id', sa.Integer(), nullable=True),
        sa.Column('usefulness', sa.Integer(), nullable=False),
        sa.Column('timeliness', sa.Integer(), nullable=False),
        sa.Column('goal_met', sa.String(length=8), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('timeliness BETWEEN 1 AND 5', name=op.f('ck_survey_response_timeliness_1_to_5')),
        sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_survey_response_usefulness_1_to_5')),
        sa.ForeignKeyConstraint(['respondent_id'], ['user_account.id'], name=op.f('fk_survey_response_respondent_id_user_account')),
        sa.ForeignKeyConstraint(['ta_request_id'], ['ta_request.id'], name=op.f('fk_survey_response_ta_request_id_ta_request'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
        sa.UniqueConstraint('ta_request_id', name=op.f('uq_survey_response_ta_request_id')))
    op.create_index(op.f('ix_survey_response_submitted_at'), 'survey_response', ['submitted_at'])
    # Answers that had all three of the old questions go back (a later version without them cannot).
    op.execute(
        "INSERT INTO survey_response (ta_request_id, respondent_id, usefulness, timeliness, goal_met, comment,"
        " submitted_at) SELECT s.ta_request_id, s.respondent_id,"
        " MAX(CASE WHEN i.code = 'usefulness' THEN a.number END),"
        " MAX(CASE WHEN i.code = 'timeliness' THEN a.number END),"
        " MAX(CASE WHEN i.code = 'goal_met' THEN a.choice END),"
        " COALESCE(MAX(CASE WHEN i.code = 'comment' THEN a.text END), ''), s.submitted_at"
        " FROM survey_submission s JOIN survey_answer a ON a.submission_id = s.id JOIN survey_item i ON i.id = a.item_id"
        " WHERE s.purpose = 'post_request' AND s.ta_request_id IS NOT NULL"
        " GROUP BY s.id, s.ta_request_id, s.respondent_id, s.submitted_at"
        " HAVING MAX(CASE WHEN i.code = 'usefulness' THEN a.number END) IS NOT NULL"
        " AND MAX(CASE WHEN i.code = 'timeliness' THEN a.number END) IS NOT NULL"
        " AND MAX(CASE WHEN i.code = 'goal_met' THEN a.choice END) IS NOT NULL")
    with op.batch_alter_table('center_settings') as batch_op:
        batch_op.drop_column('follow_up_lapse_days')
        batch_op.drop_column('follow_up_remind_days')
        batch_op.drop_column('follow_up_days')
    for table in ('objective_change', 'plan_objective', 'follow_up', 'survey_answer', 'survey_submission',
                  'survey_item', 'survey_instrument_version', 'survey_instrument'):
        op.drop_table(table)
