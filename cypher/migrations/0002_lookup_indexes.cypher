// Indexes for the look-ups that loaders, analytics and the UI make.
CREATE INDEX person_name_key IF NOT EXISTS FOR (n:Person) ON (n.name_key);
CREATE INDEX person_role IF NOT EXISTS FOR (n:Person) ON (n.role);
CREATE INDEX arrest_date IF NOT EXISTS FOR (n:Arrest) ON (n.arrest_date);
CREATE CONSTRAINT called_key IF NOT EXISTS FOR ()-[r:CALLED]-() REQUIRE r.call_id IS UNIQUE;
CREATE CONSTRAINT transferred_key IF NOT EXISTS FOR ()-[r:TRANSFERRED]-() REQUIRE r.transaction_id IS UNIQUE;
CREATE INDEX called_start IF NOT EXISTS FOR ()-[r:CALLED]-() ON (r.start_time);
CREATE INDEX transferred_time IF NOT EXISTS FOR ()-[r:TRANSFERRED]-() ON (r.timestamp);
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS
  FOR (n:Person|Phone|Device|Account|Document|Email)
  ON EACH [n.name, n.aliases_text, n.number, n.digits, n.imei, n.account_id, n.doc_id, n.address]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}};
