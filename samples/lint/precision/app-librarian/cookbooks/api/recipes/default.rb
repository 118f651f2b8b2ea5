package 'shop-api'
