"""MNS (Message Service) queues and topics, served on the emulator's one port; IMM publishes task
notifications to them."""
