DROP TABLE deadline_rule_changes;
