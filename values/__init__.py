"""Value types: how a cell's phone, IMEI, country, currency, date, amount, name or account is normalised."""
