"""Labour-dispute mediation (劳动争议调解) by the enterprise mediation committee.

Sources: 《劳动争议调解仲裁法》(2007) and 《企业劳动争议协商调解规定》(人社部令第17号, 2011).
"""
