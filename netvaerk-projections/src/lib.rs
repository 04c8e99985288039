//! The read models of netvaerk (portfolio, leader histories, competence tracks, audit trail). Not built yet: see issue 4.
