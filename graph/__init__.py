"""Everything that talks to Neo4j: settings, connection, local server, schema and queries."""
