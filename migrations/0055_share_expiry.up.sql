-- A shared page's link may stop working after a day (the organization's):
-- a reporter's embargo, a partner's review. NULL: until sharing stops.
ALTER TABLE request_shares ADD COLUMN expires_on date;
