"""Gongkai (公开): the 政务公开 platform of a region's government."""
