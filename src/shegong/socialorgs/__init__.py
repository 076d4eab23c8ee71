"""Social organizations (C5, 民政): the registration record of a 社会团体, 社会服务机构 or 基金会,
kept as a profile of a ledger Organization of kind 社会组织 (never a copy)."""
