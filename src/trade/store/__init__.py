"""The trade store: flows as Parquet files under DATA_DIR/trade, and the database registry of the
files that are current.

- `layout`: where the files are and how a slice's directory is named;
- `writer`: what storing a table would change (slice checksums, the plan), and the writing;
- `catalogue`: the registry's current slices (trade.models.TradeSlice) as file paths;
- `housekeeping`: removal of files no slice names any more (orphans included);
- `locks`: which run directories belong to a running import; when files may be removed;
- `integrity`: whether the files are those the registry recorded (check-store, backups).

Reading the files is engine-aware code and lives in trade.analytics.engine; the store itself
only knows paths and DuckDB's writer.
"""
