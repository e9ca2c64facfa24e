"""Trade analytics written once as Ibis expressions (`expressions`), run on the engine (`engine`,
DuckDB today), with the small pandas steps on their results (`series`), the notebook API
(`monitor.Monitor`), kept aggregates (`aggregates`), projections (`projection`) and the
assessment of targets (`assessment`). See trade.analytics.monitor for the notebook API."""
