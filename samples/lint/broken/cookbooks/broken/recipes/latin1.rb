# Propriété de Shop
package 'curl'
