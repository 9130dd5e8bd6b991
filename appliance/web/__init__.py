"""The web edge: the Litestar app served by Granian inside the appliance's process."""
