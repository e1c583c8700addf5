"""Minxin (民心): work platform for village-resident cadres and the Ten Hearts method."""
