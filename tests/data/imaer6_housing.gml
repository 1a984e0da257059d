<?xml version="1.0" encoding="UTF-8"?>
<imaer:FeatureCollectionCalculator xmlns:imaer="http://imaer.aerius.nl/6.0" xmlns:gml="http://www.opengis.net/gml/3.2" gml:id="NL.IMAER.Collection">
  <imaer:featureMember>
    <imaer:FarmAnimalHousingSource sectorId="4110" gml:id="ES.10">
      <imaer:label>Melkveestal</imaer:label>
      <imaer:geometry><imaer:EmissionSourceGeometry><imaer:GM_Surface>
        <gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" gml:id="ES.10.SURFACE"><gml:exterior><gml:LinearRing>
          <gml:posList>200000 470000 200040 470000 200040 470020 200000 470020 200000 470000</gml:posList>
        </gml:LinearRing></gml:exterior></gml:Polygon>
      </imaer:GM_Surface></imaer:EmissionSourceGeometry></imaer:geometry>
      <imaer:animalHousing><imaer:StandardFarmAnimalHousing animalHousingCode="HA1.100" animalType="HA1"><imaer:numberOfAnimals>80</imaer:numberOfAnimals></imaer:StandardFarmAnimalHousing></imaer:animalHousing>
      <imaer:animalHousing><imaer:CustomFarmAnimalHousing animalType="COW"><imaer:numberOfAnimals>10</imaer:numberOfAnimals><imaer:emissionFactor><imaer:Emission substance="NH3"><imaer:value>6.0</imaer:value></imaer:Emission></imaer:emissionFactor><imaer:emissionFactorType>PER_ANIMAL_PER_YEAR</imaer:emissionFactorType></imaer:CustomFarmAnimalHousing></imaer:animalHousing>
    </imaer:FarmAnimalHousingSource>
  </imaer:featureMember>
  <imaer:featureMember>
    <imaer:FarmAnimalHousingSource sectorId="4110" gml:id="ES.11">
      <imaer:label>Onbekende code</imaer:label>
      <imaer:geometry><imaer:EmissionSourceGeometry><imaer:GM_Point>
        <gml:Point srsName="urn:ogc:def:crs:EPSG::28992" gml:id="ES.11.POINT"><gml:pos>201000 471000</gml:pos></gml:Point>
      </imaer:GM_Point></imaer:EmissionSourceGeometry></imaer:geometry>
      <imaer:animalHousing><imaer:StandardFarmAnimalHousing animalHousingCode="HZ9.999" animalType="HZ9"><imaer:numberOfAnimals>5</imaer:numberOfAnimals></imaer:StandardFarmAnimalHousing></imaer:animalHousing>
    </imaer:FarmAnimalHousingSource>
  </imaer:featureMember>
  <imaer:featureMember>
    <imaer:EmissionSource sectorId="4110" gml:id="ES.12">
      <imaer:label>Vleesvarkens</imaer:label>
      <imaer:geometry><imaer:EmissionSourceGeometry><imaer:GM_Point>
        <gml:Point srsName="urn:ogc:def:crs:EPSG::28992" gml:id="ES.12.POINT"><gml:pos>202000 472000</gml:pos></gml:Point>
      </imaer:GM_Point></imaer:EmissionSourceGeometry></imaer:geometry>
      <imaer:emission><imaer:Emission substance="NH3"><imaer:value>700.0</imaer:value></imaer:Emission></imaer:emission>
    </imaer:EmissionSource>
  </imaer:featureMember>
</imaer:FeatureCollectionCalculator>
