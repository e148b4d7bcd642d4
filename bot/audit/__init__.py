"""The tamper-evident audit log: a Merkle tree of events with signed checkpoints.

Import what you need from its modules: :mod:`bot.audit.log` (checkpoints, verification,
proofs, retention), :mod:`bot.audit._merkle` and :mod:`bot.audit._note` (the pure hashing and
signing they rest on). This package imports nothing itself, because the store hashes each event
as it appends it and must be able to import the hashing without pulling in the log, which reads
the store.
"""
