// Cases of the justice chain (outcomes files): one node per case id.
CREATE CONSTRAINT case_key IF NOT EXISTS FOR (n:Case) REQUIRE n.case_id IS UNIQUE;
