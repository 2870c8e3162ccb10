-- Tận Nhà schema, version 22: /tim finds people by hamlet and address words too (issue 14,
-- item 13). `folded_place` is the village and the address folded as handlers::fold() folds
-- (lower case, no diacritics, 'đ' -> 'd'), punctuation as spaces: "Đông Hải xóm 3, cạnh nhà văn
-- hoá" -> "dong hai xom 3 canh nha van hoa". SQL cannot fold Vietnamese, so the rows already
-- stored are filled by the program when it opens the database (handlers::fill_folded_places);
-- every write of a village or an address writes it too, and an erasure or anonymisation empties
-- it with the address, so no search finds that person again.
ALTER TABLE citizens ADD COLUMN folded_place TEXT NOT NULL DEFAULT '';
