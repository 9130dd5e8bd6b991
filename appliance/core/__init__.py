"""The appliance core on the asyncio loop: the switchboard between telephony, ACD and store."""
