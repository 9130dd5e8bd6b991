"""Automatic call distribution: pure decision logic. Events and the time go in, actions come out."""
