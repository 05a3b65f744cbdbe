"""Teams, service areas and periodic workforce returns, from which the standard DfE
workforce indicators are computed. The models arrive with the workforce issue."""
