DROP TABLE group_shares;
