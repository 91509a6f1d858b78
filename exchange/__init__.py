"""Exports of the network for partner tools: FollowTheMoney, GraphML, GEXF, spreadsheets and i2."""
