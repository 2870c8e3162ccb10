-- Tận Nhà schema, version 9: the visit team is made of the unit's members, linked by user id.
-- requests.team keeps the names shown (a linked member's name, or a person outside the bot as
-- typed); team_user_ids holds the linked members' platform user ids, ','-separated ('' when
-- none is linked). NULL marks a team written before links existed: it stays readable, and only
-- a whole-name match lets a volunteer record such a visit (handlers/lifecycle_handler.cpp).
-- Read and written by storage/team_links.
ALTER TABLE requests ADD COLUMN team_user_ids TEXT;
