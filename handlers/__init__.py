"""What the bot does: commands, rules and replies, behind ports.

See README.md in this folder for the rule that keeps Flask and the SDK out.
"""
