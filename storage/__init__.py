"""Persistence: SQLModel tables and the queries the bot runs on them.

Knows SQLModel and SQLAlchemy only; nothing here talks to Webex or Flask.
"""
