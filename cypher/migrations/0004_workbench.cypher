// An analyst's saved cases (the state of her exploration) and notes on entities (docs/security.md).
CREATE CONSTRAINT saved_case_key IF NOT EXISTS FOR (n:SavedCase) REQUIRE n.saved_case_id IS UNIQUE;
CREATE CONSTRAINT note_key IF NOT EXISTS FOR (n:Note) REQUIRE n.note_id IS UNIQUE;
CREATE INDEX note_entity IF NOT EXISTS FOR (n:Note) ON (n.entity_label, n.entity_key);
CREATE INDEX saved_case_owner IF NOT EXISTS FOR (n:SavedCase) ON (n.created_by);
