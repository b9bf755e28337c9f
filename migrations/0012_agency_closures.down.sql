DROP TABLE agency_closures;
