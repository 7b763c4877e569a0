#!/usr/bin/env python3
"""The closest DuckDB equivalent of the summary's core, for comparison:
events, errors and exact latency percentiles per service from NDJSON."""
import sys

import duckdb

path = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads TO 2")
query = f"""
SELECT service,
       count(*) AS events,
       count(*) FILTER (WHERE status >= 500 OR level IN ('error', 'fatal')) AS errors,
       quantile_disc(duration_ms, [0.5, 0.9, 0.95, 0.99, 0.999]) AS percentiles,
       max(duration_ms) AS max
FROM read_ndjson('{path}', ignore_errors = true,
                 columns = {{'service': 'VARCHAR', 'level': 'VARCHAR', 'status': 'INTEGER', 'duration_ms': 'DOUBLE'}})
GROUP BY service ORDER BY events DESC
"""
for row in con.execute(query).fetchall():
    print(row)
